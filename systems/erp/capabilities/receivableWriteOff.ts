/**
 * Receivable write-off (docs/capabilities.md#receivable-write-off, docs/state-machines.md#receivable-write-off):
 * one person requests writing off part or all of what is open on a posted invoice, with a reason code
 * and an explanation; another approves it (segregation of duties, docs/invariants.md#inv-8) or
 * rejects it. The approval is financial: its date's period must be open (docs/invariants.md#inv-6),
 * and the amount must still be open on the invoice then (docs/invariants.md#inv-21); it adds to the
 * invoice's `amountWrittenOffE4`, so its open balance drops. A write-off that leaves nothing open
 * makes the invoice WRITTEN_OFF (even when part of it was paid or credited: the last settlement was a
 * write-off); a partial one leaves its status as it was (POSTED or PARTIALLY_PAID). The approval moves
 * the invoice's version, so a payment, a credit or a second approval racing it loses
 * (VERSION_CONFLICT, or INVALID_STATE_TRANSITION when it reads the invoice already settled) and the
 * invoice is never settled beyond its total.
 */
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import { OPEN_FOR_SETTLEMENT, receivableWriteOffMachine } from '../machines.ts';
import { RECEIVABLE_WRITE_OFF_REASONS, type ReceivableWriteOff, type ReceivableWriteOffReason } from '../ports/receivableWriteOffs.ts';
import type { ErpReadPort } from '../ports/readPort.ts';
import type { Invoice } from '../ports/types.ts';
import { invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, type ErpCapability } from './records.ts';
import { resultUnion } from './resultUnion.ts';

type Result = { receivableWriteOff: ReceivableWriteOff; invoice: Invoice };

function requireOpen(invoice: Invoice, field: string): void {
  if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
    throw rejected(
      'INVALID_STATE_TRANSITION',
      `${invoiceLabel(invoice)} is ${invoice.status}: only a POSTED or PARTIALLY_PAID invoice is written off.`,
      field,
    );
  }
}

function requireWithinBalance(invoice: Invoice, amount: number, field: string): void {
  const due = openBalance(invoice);
  if (amount > due) {
    throw rejected(
      'AMOUNT_EXCEEDS_OPEN_BALANCE',
      `${invoiceLabel(invoice)} has ${money(due, invoice.currency).amount} ${invoice.currency} due.`,
      field,
    );
  }
}

export const requestReceivableWriteOff: ErpCapability<
  { invoiceId: string; amount: string; reasonCode: ReceivableWriteOffReason; reasonText: string },
  Result
> = {
  async effect({ input, ports: { read, write }, emit, principal, now }) {
    const invoice = await invoiceFor(read, input.invoiceId);
    requireOpen(invoice, 'invoiceId');
    if (!RECEIVABLE_WRITE_OFF_REASONS.includes(input.reasonCode))
      throw rejected('PRECONDITION_FAILED', `${String(input.reasonCode)} is not a write-off reason.`, 'reasonCode');
    const reasonText = input.reasonText.trim();
    if (reasonText === '') throw rejected('PRECONDITION_FAILED', 'Explain the write-off: its approver decides on it.', 'reasonText');
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A written-off amount must be positive.', 'amount');
    requireWithinBalance(invoice, amount, 'amount');
    const pending = (await read.receivableWriteOffsByInvoiceIds([invoice.id])).find((w) => w.status === 'REQUESTED');
    if (pending)
      throw rejected(
        'PRECONDITION_FAILED',
        `Write-off ${pending.id} of ${invoiceLabel(invoice)} already waits for its approval.`,
        'invoiceId',
      );
    const receivableWriteOff = await write.requestReceivableWriteOff({
      id: newId('rwo'),
      invoiceId: invoice.id,
      legalEntityId: invoice.legalEntityId,
      accountId: invoice.accountId,
      currency: invoice.currency,
      amountE4: amount,
      reasonCode: input.reasonCode,
      reasonText,
      status: 'REQUESTED',
      requestedBy: principal.sub,
      requestedAt: now.toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      writtenOffOn: null,
      postingPeriodId: null,
      aggregateVersion: 1,
    });
    emit(event('ReceivableWriteOffRequested', receivableWriteOff, invoice, { requestedBy: principal.sub }));
    return { receivableWriteOff, invoice };
  },
  payload: resultUnion<Result>('ReceivableWriteOffSuccess'),
};

async function writeOffFor(read: ErpReadPort, id: string): Promise<{ writeOff: ReceivableWriteOff; invoice: Invoice }> {
  const [writeOff] = await read.receivableWriteOffsByIds([id]);
  if (!writeOff) throw notFoundRejection('ReceivableWriteOff', id, 'writeOffId');
  return { writeOff, invoice: await invoiceFor(read, writeOff.invoiceId, 'writeOffId') };
}

export const approveReceivableWriteOff: ErpCapability<
  { writeOffId: string; expectedVersion: number; writtenOffOn?: string | null },
  Result
> = {
  async effect({ input, ports: { read, write }, emit, principal, now }) {
    const { writeOff, invoice } = await writeOffFor(read, input.writeOffId);
    checkVersion('ReceivableWriteOff', writeOff.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition(
      'ReceivableWriteOff',
      receivableWriteOffMachine,
      writeOff.status,
      'APPROVED',
      'approveReceivableWriteOff',
    );
    if (warning) return { receivableWriteOff: writeOff, invoice, warnings: [warning] };
    if (!isIndependentApprover(principal.sub, writeOff.requestedBy))
      throw rejected('SEGREGATION_OF_DUTIES', 'You requested this write-off: another person must approve it.', 'writeOffId');
    requireOpen(invoice, 'writeOffId');
    requireWithinBalance(invoice, writeOff.amountE4, 'writeOffId');
    const legalEntity = await legalEntityFor(read, invoice.legalEntityId, 'writeOffId');
    const date = input.writtenOffOn ?? now.toISOString().slice(0, 10);
    const period = await openPeriodOf(read, legalEntity, date, input.writtenOffOn ? 'writtenOffOn' : 'writeOffId');
    const writtenOffE4 = invoice.amountWrittenOffE4 + writeOff.amountE4;
    const closes = openBalance(invoice) === writeOff.amountE4;
    const result = await write.decideReceivableWriteOff({
      writeOff,
      status: 'APPROVED',
      decidedBy: principal.sub,
      decidedAt: now.toISOString(),
      decisionNote: null,
      writtenOffOn: date,
      postingPeriodId: period.id,
      invoice: { ref: invoice, amountWrittenOffE4: writtenOffE4, status: closes ? 'WRITTEN_OFF' : invoice.status },
    });
    const updated = result.invoice!;
    emit(
      aggregateEvent('ReceivableWrittenOff', 'Invoice', updated, invoice.legalEntityId, {
        ...payloadOf(result.writeOff, invoice),
        requestedBy: writeOff.requestedBy,
        approvedBy: principal.sub,
        writtenOffOn: date,
        postingPeriodId: period.id,
        invoiceStatus: updated.status,
        amountWrittenOff: money(updated.amountWrittenOffE4, invoice.currency),
        amountDue: money(openBalance(updated), invoice.currency),
      }),
    );
    return { receivableWriteOff: result.writeOff, invoice: updated };
  },
  payload: resultUnion<Result>('ReceivableWriteOffSuccess'),
};

export const rejectReceivableWriteOff: ErpCapability<{ writeOffId: string; expectedVersion: number; reason: string }, Result> = {
  async effect({ input, ports: { read, write }, emit, principal, now }) {
    const { writeOff, invoice } = await writeOffFor(read, input.writeOffId);
    checkVersion('ReceivableWriteOff', writeOff.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition(
      'ReceivableWriteOff',
      receivableWriteOffMachine,
      writeOff.status,
      'REJECTED',
      'rejectReceivableWriteOff',
    );
    if (warning) return { receivableWriteOff: writeOff, invoice, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the write-off is rejected.', 'reason');
    const result = await write.decideReceivableWriteOff({
      writeOff,
      status: 'REJECTED',
      decidedBy: principal.sub,
      decidedAt: now.toISOString(),
      decisionNote: reason,
      writtenOffOn: null,
      postingPeriodId: null,
      invoice: null,
    });
    emit(event('ReceivableWriteOffRejected', result.writeOff, invoice, { rejectedBy: principal.sub, reason }));
    return { receivableWriteOff: result.writeOff, invoice };
  },
  payload: resultUnion<Result>('ReceivableWriteOffSuccess'),
};

function payloadOf(writeOff: ReceivableWriteOff, invoice: Invoice): Record<string, unknown> {
  return {
    writeOffId: writeOff.id,
    invoiceId: invoice.id,
    invoiceNumber: invoice.invoiceNumber,
    accountId: invoice.accountId,
    amount: money(writeOff.amountE4, writeOff.currency),
    reasonCode: writeOff.reasonCode,
    reasonText: writeOff.reasonText,
    status: writeOff.status,
  };
}

function event(type: string, writeOff: ReceivableWriteOff, invoice: Invoice, extra: Record<string, unknown>) {
  return aggregateEvent(type, 'ReceivableWriteOff', writeOff, invoice.legalEntityId, { ...payloadOf(writeOff, invoice), ...extra });
}
