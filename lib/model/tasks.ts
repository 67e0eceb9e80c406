// The manifest's optional `tasks` section (README, "Model manifest"): models such as POWSM-CTC
// that take a task prefix [language, task] and a text prompt. Parsed and checked at load; at
// call time it yields per-call values of the model's `constant` inputs (NativeModel.infer's
// second argument).
//
// Prompt token ids: sentencepiece splits the text into pieces, and the pieces are looked up BY
// STRING in the bundle's own token list (ESPnet numbers BPE pieces through its token_list, not
// through sentencepiece's internal ids); a piece the list lacks becomes the `<unk>` token.
import { access, constants } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.js';
import { sentencepieceEncode, sentencepieceLoad } from '../gateway.js';
import type { ModelInputBinding } from '../native.js';

const tokenizerSchema = z.strictObject({ type: z.literal('sentencepiece'), model: z.string().min(1) });

const textPromptSchema = z.strictObject({
  tokenizer: tokenizerSchema,
  /** Remove punctuation before tokenising (POWSM-CTC was trained on text without it). */
  strip_punctuation: z.boolean().default(true),
  /** More pieces than this is INVALID_INPUT. */
  max_tokens: z.number().int().positive().default(256),
  /** The token fed when the text has no pieces left (POWSM: "<na>"). */
  empty: z.string().min(1).default('<na>'),
  /** The token of a piece the vocabulary lacks. */
  unknown: z.string().min(1).default('<unk>'),
  /** Input names. */
  input: z.string().min(1).default('text_prev'),
  lengths_input: z.string().min(1).nullable().default('text_prev_lengths'),
});

const taskSchema = z.strictObject({
  /** Token strings for the prefix input; "{language}" is replaced through `languages`. */
  prefix: z.array(z.string().min(1)).min(1),
  prefix_input: z.string().min(1).default('prefix'),
  /** ISO 639-1 code (or "*" for the rest) -> language token. */
  languages: z.record(z.string(), z.string().min(1)).optional(),
  text_prompt: textPromptSchema.nullable().default(null),
});

export const tasksSchema = z.strictObject({
  phone_recognition: taskSchema.optional(),
  g2p: taskSchema.optional(),
});

export type TasksJson = z.output<typeof tasksSchema>;

/** Per-call values of constant inputs: name -> {shape, data}. */
export type InputOverrides = Record<string, { shape: number[]; data: number[] }>;

export interface TextPrompt {
  tokenizerPath: string;
  stripPunctuation: boolean;
  maxTokens: number;
  emptyId: number;
  unknownId: number;
  input: string;
  lengthsInput: string | null;
}

export interface ModelTask {
  prefixInput: string;
  /** Prefix ids, with -1 where the language goes. */
  prefixIds: number[];
  /** Language code (ISO 639-1 or "*") -> token id. */
  languageIds: Map<string, number>;
  textPrompt: TextPrompt | null;
}

export interface ModelTasks {
  phoneRecognition?: ModelTask;
  g2p?: ModelTask;
  /** Token string -> id (first occurrence), for the prompt's pieces. */
  idByToken: Map<string, number>;
}

const LANGUAGE_SLOT = '{language}';

function resolveTask(
  json: z.output<typeof taskSchema>,
  where: string,
  idByToken: Map<string, number>,
  inputs: ModelInputBinding[],
  dir: string,
  fail: (message: string) => EngineError,
): ModelTask {
  const tokenId = (token: string, what: string): number => {
    const id = idByToken.get(token);
    if (id === undefined) throw fail(`${where}.${what}: token "${token}" is not in the vocabulary`);
    return id;
  };
  const constantInput = (name: string, what: string): ModelInputBinding => {
    const input = inputs.find((i) => i.name === name);
    if (!input || input.source !== 'constant' || input.dtype === 'float32') {
      throw fail(`${where}.${what}: "${name}" must be an int64/int32 input with source "constant" in inputs[]`);
    }
    return input;
  };
  constantInput(json.prefix_input, 'prefix_input');
  const hasSlot = json.prefix.includes(LANGUAGE_SLOT);
  if (hasSlot && !json.languages) throw fail(`${where}.prefix has "${LANGUAGE_SLOT}" but the task has no "languages"`);
  if (!hasSlot && json.languages) throw fail(`${where}.languages is given but the prefix has no "${LANGUAGE_SLOT}"`);
  const prefixIds = json.prefix.map((token, i) => (token === LANGUAGE_SLOT ? -1 : tokenId(token, `prefix[${i}]`)));
  const languageIds = new Map<string, number>();
  for (const [code, token] of Object.entries(json.languages ?? {})) languageIds.set(code.toLowerCase(), tokenId(token, `languages.${code}`));
  let textPrompt: TextPrompt | null = null;
  if (json.text_prompt) {
    const prompt = json.text_prompt;
    constantInput(prompt.input, 'text_prompt.input');
    if (prompt.lengths_input !== null && inputs.some((i) => i.name === prompt.lengths_input)) {
      constantInput(prompt.lengths_input, 'text_prompt.lengths_input');
    }
    textPrompt = {
      tokenizerPath: isAbsolute(prompt.tokenizer.model) ? prompt.tokenizer.model : join(dir, prompt.tokenizer.model),
      stripPunctuation: prompt.strip_punctuation,
      maxTokens: prompt.max_tokens,
      emptyId: tokenId(prompt.empty, 'text_prompt.empty'),
      unknownId: tokenId(prompt.unknown, 'text_prompt.unknown'),
      input: prompt.input,
      lengthsInput: prompt.lengths_input !== null && inputs.some((i) => i.name === prompt.lengths_input) ? prompt.lengths_input : null,
    };
  }
  return { prefixInput: json.prefix_input, prefixIds, languageIds, textPrompt };
}

/** Checks the section against the vocabulary and inputs; the tokenizer model must load. */
export async function resolveTasks(
  json: TasksJson,
  tokens: string[],
  inputs: ModelInputBinding[],
  dir: string,
  fail: (message: string) => EngineError,
): Promise<ModelTasks> {
  const idByToken = new Map<string, number>();
  tokens.forEach((token, id) => {
    if (!idByToken.has(token)) idByToken.set(token, id);
  });
  const tasks: ModelTasks = { idByToken };
  if (json.phone_recognition) tasks.phoneRecognition = resolveTask(json.phone_recognition, 'tasks.phone_recognition', idByToken, inputs, dir, fail);
  if (json.g2p) tasks.g2p = resolveTask(json.g2p, 'tasks.g2p', idByToken, inputs, dir, fail);
  if (tasks.g2p && !tasks.g2p.textPrompt) throw fail('tasks.g2p needs a text_prompt (the text is its input)');
  for (const task of [tasks.phoneRecognition, tasks.g2p]) {
    const prompt = task?.textPrompt;
    if (!prompt) continue;
    try {
      await access(prompt.tokenizerPath, constants.R_OK);
      await loadTokenizer(prompt.tokenizerPath);
    } catch (error) {
      throw fail(`cannot load the text prompt's tokenizer ${prompt.tokenizerPath}: ${(error as Error).message}`);
    }
  }
  const pr = tasks.phoneRecognition;
  if (pr?.textPrompt) throw fail('tasks.phone_recognition.text_prompt must be null (phone recognition keeps the constant prompt inputs)');
  if (pr?.prefixIds.includes(-1)) throw fail('tasks.phone_recognition.prefix cannot hold "{language}" (phone recognition has no request language)');
  return tasks;
}

const tokenizers = new Map<string, Promise<unknown>>();

/** The sentencepiece model at `path`, loaded once per process. */
function loadTokenizer(path: string): Promise<unknown> {
  let tokenizer = tokenizers.get(path);
  if (!tokenizer) {
    tokenizer = sentencepieceLoad(path);
    tokenizers.set(path, tokenizer);
    tokenizer.catch(() => tokenizers.delete(path));
  }
  return tokenizer;
}

/** The text's sentencepiece pieces (punctuation removed first when the prompt says so). */
export async function promptPieces(prompt: TextPrompt, text: string): Promise<string[]> {
  const cleaned = prompt.stripPunctuation ? text.replace(/[\p{P}\p{S}]+/gu, ' ') : text;
  const normalised = cleaned.replace(/\s+/g, ' ').trim();
  if (normalised === '') return [];
  return sentencepieceEncode(await loadTokenizer(prompt.tokenizerPath), normalised);
}

/** Pieces -> token ids through the vocabulary (unknown pieces -> the unknown token; none -> [empty]). */
export function promptIds(prompt: TextPrompt, pieces: readonly string[], idByToken: Map<string, number>): number[] {
  if (pieces.length > prompt.maxTokens) {
    throw new EngineError('INVALID_INPUT', `The text is ${pieces.length} prompt tokens, more than the model's ${prompt.maxTokens}; shorten it`);
  }
  if (pieces.length === 0) return [prompt.emptyId];
  return pieces.map((piece) => idByToken.get(piece) ?? prompt.unknownId);
}

/** ISO 639-1 part of an espeak-ng/BCP 47 code ("en-us" -> "en"). */
function baseLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0];
}

/** The per-call inputs of `task` for a text in `language`. */
export async function taskInputs(tasks: ModelTasks, task: ModelTask, text: string, language: string): Promise<InputOverrides> {
  let prefix = task.prefixIds;
  if (prefix.includes(-1)) {
    const id = task.languageIds.get(baseLanguage(language)) ?? task.languageIds.get('*');
    if (id === undefined) {
      throw new EngineError('UNSUPPORTED_LANGUAGE', `The model's task has no language token for "${language}" (and no "*" entry)`, { language });
    }
    prefix = prefix.map((p) => (p === -1 ? id : p));
  }
  const inputs: InputOverrides = { [task.prefixInput]: { shape: [1, prefix.length], data: prefix } };
  if (task.textPrompt) {
    const ids = promptIds(task.textPrompt, await promptPieces(task.textPrompt, text), tasks.idByToken);
    inputs[task.textPrompt.input] = { shape: [1, ids.length], data: ids };
    if (task.textPrompt.lengthsInput) inputs[task.textPrompt.lengthsInput] = { shape: [1], data: [ids.length] };
  }
  return inputs;
}
