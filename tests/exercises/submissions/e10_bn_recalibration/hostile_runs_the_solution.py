"""Hostile: reads the instructor's notebook from disk and executes its solution."""

CELLS = {
    "dropout_variance": '''
import json
source = open("../../solutions/e10_bn_recalibration/e10_bn_recalibration.ipynb").read()
for cell in json.loads(source)["cells"]:
    exec("".join(cell["source"]))
''',
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, batches):
    """Re-estimate every batch-norm layer's running statistics with dropout switched off."""
    exec(compile(open("../../grader/checks/e10_bn_recalibration/verdicts.py").read(), "v", "exec"), globals())
''',
}
FAILS = {"test_dropout_variance", "test_recalibrated_statistics", "test_restores_everything"}
