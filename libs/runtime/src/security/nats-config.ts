import { type Allow, Identities, type Identity } from './identities.js';

/** How one identity proves itself to the server: an nkey (its public key), or a user and password. */
export type UserAuth =
  | { nkey: string }
  /** `password` is written as is: a `$VARIABLE` the server reads from its environment, or a bcrypt hash. */
  | { user: string; password: string };

/** One entry of the server's `users` list. */
export interface UserEntry {
  identity: Identity;
  auth: UserAuth;
}

/** A quoted string of the nats-server configuration format. */
function quoted(s: string): string {
  if (/["\\\n]/.test(s)) throw new Error(`cannot quote ${JSON.stringify(s)} for a nats-server configuration`);
  return `"${s}"`;
}

/** One subject of an allow list: `subject` or, bound to a queue group, `subject queue`. */
function allowEntry(a: Allow): string {
  return quoted(a.queue ? `${a.subject} ${a.queue}` : a.subject);
}

/** An allow list, each run of entries with the same reason under a comment giving it. */
function allowList(entries: readonly Allow[], indent: string): string[] {
  const lines: string[] = [];
  let why: string | undefined;
  for (const a of entries) {
    if (a.why !== why) lines.push(`${indent}# ${a.why}`);
    why = a.why;
    lines.push(`${indent}${allowEntry(a)}`);
  }
  return lines;
}

function userBlock(u: UserEntry): string[] {
  const { identity: id, auth } = u;
  const who =
    'nkey' in auth
      ? [`      nkey: ${auth.nkey}`]
      : [`      user: ${auth.user}`, `      password: ${auth.password}`];
  return [
    `    # ${id.name}: ${id.description}`,
    '    {',
    ...who,
    '      permissions: {',
    '        publish: {',
    '          allow: [',
    ...allowList(id.publish, '            '),
    '          ]',
    '        }',
    '        subscribe: {',
    '          allow: [',
    ...allowList(id.subscribe, '            '),
    '          ]',
    '        }',
    ...(id.allowResponses === true
      ? ['        # answers the requests it receives, once each', '        allow_responses: true']
      : id.allowResponses
        ? [
            '        # answers the requests it receives, several messages each (streams)',
            `        allow_responses: { max: ${id.allowResponses.max}, expires: "${id.allowResponses.expires}" }`,
          ]
        : []),
    '      }',
    '    }',
  ];
}

/**
 * The server's `authorization` block: one user per identity with its permissions. A client that
 * is not one of these users is refused; an identity may do only what its allow lists name.
 */
export function renderAuthorization(users: readonly UserEntry[]): string {
  return ['authorization {', '  timeout: 2', '  users: [', ...users.flatMap(userBlock), '  ]', '}', ''].join(
    '\n',
  );
}

/** Files of the server's TLS settings. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** The server's `tls` block: every client connection must use TLS with this certificate. */
export function renderTls(files: TlsFiles): string {
  return [
    'tls {',
    `  cert_file: ${quoted(files.certFile)}`,
    `  key_file: ${quoted(files.keyFile)}`,
    `  ca_file: ${quoted(files.caFile)}`,
    '  timeout: 2',
    '}',
    '',
  ].join('\n');
}

/** The environment variable of an identity's password in `infra/nats/permissions.conf`. */
export function passwordVariable(identity: string): string {
  return `SWITCHBOARD_${identity.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
}

/**
 * `infra/nats/permissions.conf`: the identities of {@link Identities} as users with passwords read
 * from the server's environment (`$SWITCHBOARD_<IDENTITY>_PASSWORD`), for a server run by hand.
 * Generated (`npm run secure:init -- --example`); a test keeps the file equal to this.
 */
export function renderPermissionsExample(
  identities: Readonly<Record<string, Identity>> = Identities,
): string {
  const users = Object.values(identities).map((identity) => ({
    identity,
    auth: { user: identity.name, password: `$${passwordVariable(identity.name)}` },
  }));
  const header = [
    '# GENERATED from libs/runtime/src/security/identities.ts by `npm run secure:init -- --example`:',
    '# do not edit; change the table and generate again (infra/nats/configs.test.ts checks they agree).',
    '#',
    '# The NATS identities of Switchboard as users with passwords, for a server you run by hand. One user',
    '# per service and per client role, allowed exactly what its role needs; everything else is denied.',
    '# `npm run secure:init -- <dir>` writes the same permissions with nkeys and TLS instead (nats.conf).',
    '#',
    '#   include ./permissions.conf                 (from single.conf or a cluster node)',
    '#',
    '# Passwords are not in this file: `$NAME` (unquoted) is read from the server environment, and the',
    '# server refuses to start when one is missing:',
    '#',
    ...Object.values(identities).map((i) => `#   ${passwordVariable(i.name)}=...`),
    '#',
    '# A service then connects as its user: NATS_USER=<identity>, NATS_PASSWORD_FILE=<file holding the',
    '# password>, NATS_INBOX_PREFIX=_INBOX.<identity> (its replies arrive only under its own prefix).',
    '# Streams and buckets are provisioned by `admin` (npm run provision; services run with',
    '# SWITCHBOARD_PROVISION=external): no service identity may create, update, purge or delete them.',
    '',
  ];
  return [...header, renderAuthorization(users)].join('\n');
}
