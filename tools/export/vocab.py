"""Vocabulary conversion: each model family's token list -> the engine's tokens.txt.

No torch needed. The engine reads tokens.txt as one token per line in id order
(lib/model/manifest.ts parseTokenList), so a token must be non-empty and hold no whitespace.
"""
import json


class VocabError(ValueError):
    pass


def check_tokens(tokens):
    """Raises VocabError unless tokens are non-empty, whitespace-free and unique."""
    if not tokens:
        raise VocabError('the vocabulary is empty')
    seen = {}
    for i, token in enumerate(tokens):
        if not isinstance(token, str) or token == '' or any(c.isspace() for c in token):
            raise VocabError(f'token {i} ({token!r}) is empty or holds whitespace: tokens.txt cannot represent it')
        if token in seen:
            raise VocabError(f'token {token!r} occurs twice (ids {seen[token]} and {i})')
        seen[token] = i
    return tokens


def from_id_map(mapping, what):
    """{token: id} with ids exactly 0..n-1 -> tokens in id order."""
    ids = sorted(mapping.values())
    if ids != list(range(len(ids))):
        raise VocabError(f'{what}: ids are not exactly 0..{len(ids) - 1}')
    tokens = [None] * len(ids)
    for token, i in mapping.items():
        tokens[i] = token
    return check_tokens(tokens)


def hf_vocab(path):
    """A transformers vocab.json ({token: id}) -> tokens in id order."""
    with open(path, encoding='utf-8') as f:
        mapping = json.load(f)
    if not isinstance(mapping, dict) or not all(isinstance(v, int) for v in mapping.values()):
        raise VocabError(f'{path}: expected a JSON object of token -> integer id')
    return from_id_map(mapping, path)


def id_token_file(path):
    """A "token id" per line file (icefall/ZIPA tokens.txt) -> tokens in id order."""
    mapping = {}
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n').rstrip('\r')
            if not line:
                continue
            parts = line.rsplit(' ', 1)
            if len(parts) != 2 or not parts[1].isdigit():
                raise VocabError(f'{path}:{n}: expected "token id", got {line!r}')
            if parts[0] in mapping:
                raise VocabError(f'{path}:{n}: token {parts[0]!r} occurs twice')
            mapping[parts[0]] = int(parts[1])
    return from_id_map(mapping, path)


def espnet_token_list(token_list):
    """An ESPnet token_list (a list from config.yaml, or a path to a one-token-per-line file)."""
    if isinstance(token_list, str):
        with open(token_list, encoding='utf-8') as f:
            token_list = [line.rstrip('\n') for line in f if line.rstrip('\n')]
    return check_tokens(list(token_list))


def blank_id(tokens, candidates):
    """The id of the first of candidates present in tokens."""
    for c in candidates:
        if c in tokens:
            return tokens.index(c)
    raise VocabError(f'no blank token among {candidates}')


def phone_count(tokens, blank, token_format='plain', non_phone=()):
    """How many tokens the engine will treat as phones (same rule as lib/model/manifest.ts buildVocabulary)."""
    skip = set(non_phone)
    n = 0
    for i, t in enumerate(tokens):
        if i == blank or t in skip or (t.startswith('<') and t.endswith('>')):
            continue
        if token_format == 'slash' and not (len(t) > 2 and t.startswith('/') and t.endswith('/')):
            continue
        n += 1
    return n


def write_tokens(path, tokens):
    check_tokens(tokens)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(t + '\n' for t in tokens))
