import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import {
  optionsOf,
  renderHelp,
  type ArgSpec,
  type CliSpec,
  type OptionSpec,
} from './command-spec.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { suggestion } from './nearest.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;
export type ArgValues = Readonly<Record<string, string | string[] | undefined>>;

export type ParsedCommandLine =
  | { kind: 'help'; text: string; exitCode: ExitCode }
  | { kind: 'run'; verb: string | undefined; args: ArgValues; options: OptionValues };

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

/** Every option any verb knows, so words are split into options and positionals the same way. */
function allOptions(spec: CliSpec): Record<string, OptionSpec> {
  const verbs = Object.keys(spec.verbs ?? {});
  return Object.assign({}, optionsOf(spec, undefined), ...verbs.map((v) => optionsOf(spec, v)));
}

function tokenize(spec: CliSpec, argv: string[]): Token[] {
  const options = Object.fromEntries(
    Object.entries(allOptions(spec)).map(([name, o]) => [name, { type: o.type }]),
  );
  return parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true })
    .tokens;
}

/**
 * Reads argv against the tool's description. Returns the help to print (`--help`, `-h`, `help`,
 * `help VERB`, or no verb at all) or the verb with its arguments and options; anything else is a
 * UsageError of one line naming the nearest valid word.
 */
export function parseCommandLine(spec: CliSpec, argv: string[]): ParsedCommandLine {
  const tokens = tokenize(spec, argv);
  const words = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const wantsHelp = tokens.some(
    (t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h'),
  );
  const verbs = Object.keys(spec.verbs ?? {});
  if (verbs.length > 0 && words[0] === 'help') {
    const topic = words[1];
    if (topic !== undefined) knownVerb(spec, topic);
    return { kind: 'help', text: renderHelp(spec, topic), exitCode: EXIT.ok };
  }
  if (verbs.length === 0 && words[0] === 'help')
    return { kind: 'help', text: renderHelp(spec), exitCode: EXIT.ok };
  const verb = verbs.length > 0 ? (words[0] ?? spec.defaultVerb) : undefined;
  if (verb !== undefined) knownVerb(spec, verb);
  if (wantsHelp) return { kind: 'help', text: renderHelp(spec, words[0]), exitCode: EXIT.ok };
  if (verbs.length > 0 && verb === undefined)
    return { kind: 'help', text: renderHelp(spec), exitCode: EXIT.usage };
  checkOptions(spec, verb, tokens);
  const options = strictOptions(spec, verb, argv);
  const rest = verbs.length > 0 && words[0] !== undefined ? words.slice(1) : words;
  const args = readArgs(spec, verb, rest);
  return { kind: 'run', verb, args, options };
}

function knownVerb(spec: CliSpec, verb: string): void {
  const verbs = Object.keys(spec.verbs ?? {});
  if (!verbs.includes(verb))
    throw new UsageError(
      `unknown command "${verb}": ${suggestion(verb, verbs, 'commands')} (${spec.command} --help)`,
    );
}

/** Refuses unknown, repeated or malformed options in one line naming the nearest valid one. */
function checkOptions(spec: CliSpec, verb: string | undefined, tokens: Token[]): void {
  const known = optionsOf(spec, verb);
  const where = verb ? ` for ${verb}` : '';
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    const option = known[token.name];
    if (!option || flag.length === 2)
      throw new UsageError(
        `unknown option ${flag}${where}: ${suggestion(
          flag,
          Object.keys(known).map((n) => `--${n}`),
          'options',
        )}`,
      );
    if (option.type === 'boolean' && token.value !== undefined)
      throw new UsageError(`option ${flag} takes no value`);
    if (option.type === 'string' && (token.value === undefined || token.value === ''))
      throw new UsageError(`option ${flag} needs a value (${flag} ${option.value ?? 'VALUE'})`);
    if (seen.has(token.name)) throw new UsageError(`option ${flag} is given twice`);
    seen.add(token.name);
  }
}

/** The option values, as node's util.parseArgs reads them in strict mode for this verb. */
function strictOptions(spec: CliSpec, verb: string | undefined, argv: string[]): OptionValues {
  const config = Object.fromEntries(
    Object.entries(optionsOf(spec, verb)).map(([name, o]) => [name, { type: o.type }]),
  );
  try {
    return parseArgs({ args: argv, options: config, strict: true, allowPositionals: true }).values;
  } catch (error) {
    // What checkOptions lets through: a value that starts with "-" (`--reason -x`).
    const flag =
      /'(--?[^' ]+)/.exec(error instanceof Error ? error.message : '')?.[1] ?? 'an option';
    throw new UsageError(`${flag}: a value starting with "-" must be written ${flag}=VALUE`);
  }
}

function readArgs(spec: CliSpec, verb: string | undefined, words: string[]): ArgValues {
  const specs: readonly ArgSpec[] = verb ? (spec.verbs?.[verb]?.args ?? []) : [];
  const usage = `usage: ${spec.command}${verb ? ` ${verb}` : ''}`;
  const args: Record<string, string | string[] | undefined> = {};
  let i = 0;
  for (const arg of specs) {
    if (arg.variadic) {
      args[arg.name] = words.slice(i);
      i = words.length;
    } else args[arg.name] = words[i++];
    const given = args[arg.name];
    const missing = given === undefined || (Array.isArray(given) && given.length === 0);
    if (missing && !arg.optional)
      throw new UsageError(`${verb ?? spec.command} needs ${arg.name} (${usage} --help)`);
    if (typeof given === 'string' && arg.choices && !arg.choices.includes(given))
      throw new UsageError(`${verb} ${given}: ${suggestion(given, arg.choices, 'words here')}`);
  }
  if (i < words.length) {
    const extra = words[i]!;
    const flags = Object.keys(optionsOf(spec, verb)).map((n) => `--${n}`);
    const hint = suggestion(`--${extra}`, flags, 'options');
    throw new UsageError(
      `unexpected argument "${extra}"${verb ? ` for ${verb}` : ''}${hint.startsWith('did') ? `: ${hint}` : ''}`,
    );
  }
  return args;
}
