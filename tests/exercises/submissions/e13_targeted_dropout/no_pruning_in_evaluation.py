"""Returns the weight unchanged in evaluation instead of pruning the candidates."""

CELLS = {"targeted_dropout": '''
def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True):
    if not (0 <= drop_rate <= 1 and 0 <= targeted_fraction <= 1):
        raise ValueError("drop_rate and targeted_fraction must be in [0, 1]")
    if not training:
        return weight
    k = math.floor(targeted_fraction * weight.shape[1])
    smallest = weight.detach().abs().argsort(dim=1)[:, :k]
    candidates = torch.zeros(weight.shape, dtype=torch.bool).scatter(1, smallest, True)
    return weight * (~(candidates & (torch.rand(weight.shape) < drop_rate))).to(weight.dtype)
'''}
FAILS = {"test_eval_and_edge_cases", "test_gradient"}
KEEPS = {"test_candidates", "test_training_drops"}
