"""Borrows PyTorch's own channel dropout instead of implementing it."""

CELLS = {"spatial_dropout": '''
import torch.nn.functional as F

def spatial_dropout(x, p=0.5, training=True):
    return F.dropout2d(x, p, training)
'''}
FAILS = {"test_channel_masks", "test_drop_fraction", "test_gradient", "test_eval_and_edge_cases"}
