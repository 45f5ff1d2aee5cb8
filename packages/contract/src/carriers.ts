/**
 * Carriers whose tracking page a shipment links to, in one place: the carrier's name as the ERP sends it
 * (matched case-insensitively, ignoring spaces and . - _ & +) and the page's URL with `{ref}` where the
 * tracking reference goes (URL-encoded). A carrier not listed here gets no link, only its reference.
 */
export const CARRIER_TRACKING: Record<string, string> = {
  dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={ref}',
  dhlfreight: 'https://www.dhl.com/global-en/home/tracking/tracking-freight.html?tracking-id={ref}',
  dhlexpress: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={ref}',
  ups: 'https://www.ups.com/track?tracknum={ref}',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr={ref}',
  dpd: 'https://tracking.dpd.de/status/en_US/parcel/{ref}',
  gls: 'https://gls-group.com/track/{ref}',
  tnt: 'https://www.tnt.com/express/en_gc/site/shipping-tools/tracking.html?searchType=con&cons={ref}',
  usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={ref}',
  postnl: 'https://jouw.postnl.nl/track-and-trace/{ref}',
  kuehnenagel: 'https://mykn.kuehne-nagel.com/public-tracking/shipments?query={ref}',
  dbschenker: 'https://www.dbschenker.com/app/tracking-public/?refNumber={ref}',
};

/** The carrier's tracking page for this reference, or null for an unknown carrier or no reference. */
export function trackingUrl(carrier: string, trackingRef: string | null | undefined): string | null {
  const ref = trackingRef?.trim();
  if (!ref) return null;
  const template = CARRIER_TRACKING[carrier.toLowerCase().replace(/[\s.\-_&+]/g, '')];
  return template ? template.replace('{ref}', encodeURIComponent(ref)) : null;
}
