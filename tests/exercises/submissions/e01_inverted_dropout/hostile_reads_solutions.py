"""Reads the instructor's notebook from the course directory and executes its solution."""

CELLS = {
    "dropout_class": '''
import json
source = json.load(open("../../../solutions/e01_inverted_dropout/e01_inverted_dropout.ipynb"))
exec("\\n".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code"))
''',
    "standard_dropout": '''
text = numpy.loadtxt  # no luck either
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases",
         "test_standard_dropout"}
MESSAGES = {"test_forward": "'exec' is not allowed in a submission"}
