"""Wraps the reference library's WeightDrop around PyTorch's nn.RNN instead of writing the recurrence."""

CELLS = {"weight_drop_rnn": '''
from dropout_lib.recurrent import WeightDrop

class WeightDropRNN(nn.Module):
    def __init__(self, input_size, hidden_size, p=0.5):
        super().__init__()
        self.layer = WeightDrop(nn.RNN(input_size, hidden_size), "weight_hh_l0", p)

    def forward(self, x, h0=None):
        return self.layer(x, h0)
'''}
FAILS = {"test_parameters", "test_recurrence", "test_weight_mask", "test_eval_and_edge_cases", "test_gradients"}
MESSAGES = {"test_weight_mask": "import of 'dropout_lib.recurrent' is not allowed"}
