import {
  idInput,
  submitSupplierInvoiceInput,
  supplierInvoiceDetail,
  supplierInvoicesListInput,
  supplierInvoicesListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as collab from '../suppliers/supplier-collab.ts';
import { permission, router } from '../trpc.ts';

export const supplierInvoicesRouter = router({
  list: permission('supplier-invoices:read')
    .input(supplierInvoicesListInput)
    .output(supplierInvoicesListOutput)
    .query(({ ctx, input }) => collab.listInvoices(ctx, input)),
  get: permission('supplier-invoices:read')
    .input(idInput)
    .output(supplierInvoiceDetail)
    .query(({ ctx, input }) => collab.getInvoice(ctx, input.id)),
  submit: permission('supplier-invoices:submit')
    .meta({ audit: 'supplier_invoice.submitted' })
    .input(submitSupplierInvoiceInput)
    .output(z.object({ id: z.uuid(), mismatch: z.boolean() }))
    .mutation(({ ctx, input }) => collab.submitInvoice(ctx, input)),
});
