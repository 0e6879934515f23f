/**
 * A command-line tool described as data: its verbs, each verb's arguments and options, and the
 * help text rendered from them. parse-command-line.ts reads argv against it (node's
 * util.parseArgs, strict); every CLI of the project is one such description.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in help for a string option (`--label L`). */
  value?: string;
  description: string;
}

export interface ArgSpec {
  name: string;
  optional?: boolean;
  /** Takes every remaining word (at least one unless optional). */
  variadic?: boolean;
  /** The only words accepted here; anything else is refused naming the nearest. */
  choices?: readonly string[];
}

export interface VerbSpec {
  summary: string;
  args?: readonly ArgSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** More lines for `help VERB` (rules, what a repeat does). */
  details?: readonly string[];
}

export interface CliSpec {
  /** How it is invoked, e.g. `npm run snapshot --`. */
  command: string;
  summary: string;
  /** Absent for a tool without verbs (cutover, rollback): its options are `options`. */
  verbs?: Readonly<Record<string, VerbSpec>>;
  /** Options every verb accepts (or the tool's options when it has no verbs). */
  options?: Readonly<Record<string, OptionSpec>>;
  /** The verb run when none is given (e.g. `status`); without it, no verb shows the help. */
  defaultVerb?: string;
  details?: readonly string[];
}

/** Accepted by every tool: print stack traces of failures (also LOG_LEVEL=debug). */
export const DEBUG_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'print the stack trace of a failure (also LOG_LEVEL=debug)',
};

const HELP_OPTION: OptionSpec = { type: 'boolean', description: 'show this help' };

export function optionsOf(spec: CliSpec, verb: string | undefined): Record<string, OptionSpec> {
  const own = verb ? spec.verbs?.[verb]?.options : undefined;
  return { ...own, ...spec.options, debug: DEBUG_OPTION, help: HELP_OPTION };
}

function argsUsage(args: readonly ArgSpec[] = []): string {
  return args
    .map((a) => {
      const word = a.choices ? a.choices.join('|') : a.name;
      const more = a.variadic ? `${word}…` : word;
      return a.optional ? `[${more}]` : more;
    })
    .join(' ');
}

function optionsUsage(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(24)} ${o.description}`;
  });
}

/** The help of the whole tool, or of one verb. */
export function renderHelp(spec: CliSpec, verb?: string): string {
  if (verb && spec.verbs?.[verb]) {
    const v = spec.verbs[verb];
    return [
      `usage: ${spec.command} ${verb} ${argsUsage(v.args)}`.trimEnd(),
      `  ${v.summary}`,
      ...(v.details ?? []).map((line) => `  ${line}`),
      'options:',
      ...optionsUsage(optionsOf(spec, verb)),
    ].join('\n');
  }
  const verbs = Object.entries(spec.verbs ?? {});
  return [
    verbs.length > 0
      ? `usage: ${spec.command} <command> [options]`
      : `usage: ${spec.command} [options]`,
    `  ${spec.summary}`,
    ...(spec.details ?? []).map((line) => `  ${line}`),
    ...(verbs.length > 0
      ? [
          'commands:',
          ...verbs.map(
            ([name, v]) => `  ${`${name} ${argsUsage(v.args)}`.padEnd(34)} ${v.summary}`,
          ),
          `help for one command: ${spec.command} help COMMAND (or COMMAND --help)`,
        ]
      : []),
    'options:',
    ...optionsUsage(optionsOf(spec, undefined)),
  ].join('\n');
}
