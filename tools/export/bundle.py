"""Writing an engine bundle: manifest.json (the schema in lib/model/manifest.ts, README "Model
manifest"), tokens.txt and GlobalMVN stats. No torch needed."""
import json
import os

import numpy as np

from tools.export.vocab import phone_count, write_tokens

FORMAT_VERSION = 1


def manifest(*, name, description, frontend, inputs, output, shift_samples, blank_id, token_format='plain',
             non_phone_tokens=(), offset_samples=0, max_duration_sec=60, model='model.onnx', tokens_file='tokens.txt'):
    """A manifest dict. output: {'name', 'kind', 'skip_frames', optional 'lengths'}."""
    out = {'name': output['name'], 'kind': output['kind'], 'skip_frames': int(output.get('skip_frames', 0))}
    if output.get('lengths'):
        out['lengths'] = output['lengths']
    vocabulary = {'file': tokens_file, 'blank_id': int(blank_id), 'token_format': token_format}
    if non_phone_tokens:
        vocabulary['non_phone_tokens'] = list(non_phone_tokens)
    return {
        'format_version': FORMAT_VERSION,
        'name': name,
        'description': description,
        'model': model,
        'sample_rate': 16000,
        'frontend': frontend,
        'inputs': inputs,
        'output': out,
        'frames': {'shift_samples': int(shift_samples), 'offset_samples': int(offset_samples)},
        'vocabulary': vocabulary,
        'limits': {'max_duration_sec': max_duration_sec},
    }


def write_manifest(out_dir, data):
    with open(os.path.join(out_dir, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write('\n')


def read_manifest(out_dir):
    with open(os.path.join(out_dir, 'manifest.json'), encoding='utf-8') as f:
        return json.load(f)


def write_bundle_files(out_dir, data, tokens):
    """Writes tokens.txt and manifest.json (without self_check) after checking the vocabulary."""
    voc = data['vocabulary']
    if not 0 <= voc['blank_id'] < len(tokens):
        raise ValueError(f'blank id {voc["blank_id"]} outside the {len(tokens)}-token vocabulary')
    missing = [t for t in voc.get('non_phone_tokens', []) if t not in tokens]
    if missing:
        raise ValueError(f'non-phone tokens {missing} are not in the vocabulary')
    if phone_count(tokens, voc['blank_id'], voc['token_format'], voc.get('non_phone_tokens', ())) == 0:
        raise ValueError('the vocabulary has no phone tokens')
    os.makedirs(out_dir, exist_ok=True)
    write_tokens(os.path.join(out_dir, voc['file']), tokens)
    data = {k: v for k, v in data.items() if k != 'self_check'}
    write_manifest(out_dir, data)


def global_mvn_from_stats(npz_path, eps=1e-20):
    """ESPnet feats_stats.npz (count, sum, sum_square) -> {"mean", "std"} as ESPnet's GlobalMVN
    computes them: mean = sum / count, std = sqrt(max(sum_square / count - mean^2, eps))."""
    stats = np.load(npz_path)
    if isinstance(stats, np.ndarray):  # Kaldi-style [[sum..., count], [sum_square..., 0]]
        count = float(stats[0, -1])
        total, total_sq = stats[0, :-1], stats[1, :-1]
    else:
        count = float(stats['count'])
        total, total_sq = stats['sum'], stats['sum_square']
    mean = np.asarray(total, dtype=np.float64) / count
    var = np.asarray(total_sq, dtype=np.float64) / count - mean * mean
    std = np.sqrt(np.maximum(var, eps))
    return {'mean': mean.tolist(), 'std': std.tolist()}


def write_global_mvn(out_dir, mvn, file='global_mvn.json'):
    with open(os.path.join(out_dir, file), 'w') as f:
        json.dump(mvn, f)
    return file
