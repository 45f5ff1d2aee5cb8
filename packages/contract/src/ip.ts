/**
 * An IPv4 address seen through an IPv6 socket (a server listening on `::` sees `::ffff:127.0.0.1`) is
 * the IPv4 address: the client IP is stored, compared with allowlists and searched in this one form.
 * Also the spelled-out (`0:0:0:0:0:ffff:…`) and hexadecimal (`::ffff:7f00:1`) forms; anything else is
 * returned as given (trimmed).
 */
export function normaliseIp(ip: string): string {
  const text = ip.trim();
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(.+)$/i.exec(text)?.[1];
  if (!mapped) return text;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(mapped)) return mapped;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(mapped);
  if (!hex) return text;
  const high = Number.parseInt(hex[1] ?? '0', 16);
  const low = Number.parseInt(hex[2] ?? '0', 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
