import type { ConnectionReport } from '@app/client';

/** The pre-call network test's findings, one plain line per way of connecting. */
export function describeConnection(report: ConnectionReport): string[] {
  const { found, hasStun, hasTurn } = report;
  const lines: string[] = [];
  lines.push(
    found.has('host')
      ? 'Direct connection on your network: works.'
      : 'Direct connection on your network: not available (the browser offered no local address).',
  );
  if (!hasStun)
    lines.push('Connection through your router (STUN): no STUN server is set up for this service.');
  else
    lines.push(
      found.has('srflx')
        ? 'Connection through your router (STUN): works.'
        : 'Connection through your router (STUN): no answer. Calls may need the relay.',
    );
  if (!hasTurn) lines.push('Relay (TURN): no relay server is set up for this service.');
  else
    lines.push(
      found.has('relay')
        ? 'Relay (TURN): works. Calls connect even behind strict firewalls.'
        : 'Relay (TURN): not reachable. Calls behind strict firewalls may fail; try another network.',
    );
  return lines;
}
