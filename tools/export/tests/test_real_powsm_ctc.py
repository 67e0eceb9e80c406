"""powsm_ctc.py end to end on ESPnet's own ESPnetS2TCTCModel (e_branchformer_ctc encoder with
cross-attention to the prompt encoder, inter-CTC self-conditioning and the [language, task]
prefix), built by S2TTask from the published recipe config with random weights
(tools/export/random_snapshot.py): export (fp32 and fp16) -> manifest (tasks, bpe.model) -> the
engine's self-check against ESPnet's model.encode + ctc.log_softmax -> the engine batching three
recordings vs each alone -> `assess` on a real recording. And the self-check can fail: GlobalMVN
statistics that are not the model's fail it. Needs the exporters' venv (tools/export/setup-venv.sh)."""
import json
import os
import unittest

from tools.export.tests.real_models import EXAMPLE, RandomModelExport, read_manifest


class PowsmCtcRealModel(RandomModelExport, unittest.TestCase):
    tmp_prefix = 'powsm-real-'
    exporter, snapshot_kind, reduced = 'powsm_ctc.py', 'powsm_ctc', ('--blocks', '3')

    def test_manifest_records_checks_tasks_and_tokenizer(self):
        m = read_manifest(self.bundle)
        self.assert_self_checks_recorded(m, 'ESPnetS2TCTCModel.encode')
        self.assertEqual(m['output']['skip_frames'], 2)
        self.assertEqual(m['vocabulary']['token_format'], 'slash')
        self.assertEqual(m['tasks']['phone_recognition']['prefix'], ['<eng>', '<pr>'])
        self.assertIn('g2p', m['tasks'])
        self.assertTrue(os.path.isfile(os.path.join(self.bundle, 'bpe.model')))
        with open(os.path.join(self.bundle, 'tokens.txt'), encoding='utf-8') as f:
            self.assertEqual(sum(1 for _ in f), 40000)

    def test_self_check_fails_with_statistics_that_are_not_the_models(self):
        import numpy as np

        from tools.export import selfcheck
        from tools.export.audio import load_audio
        from espnet2.tasks.s2t_ctc import S2TTask
        from tools.export.powsm_ctc import find_model_files, reference_log_probs
        wrong = self.copy_of_bundle('wrong-mvn')
        with open(os.path.join(wrong, 'global_mvn.json')) as f:
            mvn = json.load(f)
        mvn['mean'] = (np.asarray(mvn['mean']) + 0.5 * np.asarray(mvn['std'])).tolist()  # half a standard deviation off
        with open(os.path.join(wrong, 'global_mvn.json'), 'w') as f:
            json.dump(mvn, f)
        config, model_file = find_model_files(self.snapshot)
        cwd = os.getcwd()
        os.chdir(self.snapshot)
        try:
            model, _ = S2TTask.build_model_from_file(config, model_file, 'cpu')
        finally:
            os.chdir(cwd)
        model.eval()
        tokens = list(model.token_list)
        ids = {'na': tokens.index('<na>'), 'lang': tokens.index('<eng>'), 'task': tokens.index('<pr>')}
        samples = load_audio(EXAMPLE)
        result = selfcheck.run(wrong, samples, reference_log_probs(model, samples, ids), audio='example',
                               reference='espnet', tolerance=5e-3)
        self.assert_check_fails(result, 5e-3)


if __name__ == '__main__':
    unittest.main()
