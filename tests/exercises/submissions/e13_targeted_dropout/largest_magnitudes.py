"""Targets the weights of largest magnitude instead of the smallest."""

CELLS = {"targeted_dropout": '''
def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True):
    if not (0 <= drop_rate <= 1 and 0 <= targeted_fraction <= 1):
        raise ValueError("drop_rate and targeted_fraction must be in [0, 1]")
    k = math.floor(targeted_fraction * weight.shape[1])
    largest = weight.detach().abs().topk(k, dim=1).indices
    candidates = torch.zeros(weight.shape, dtype=torch.bool).scatter(1, largest, True)
    if training:
        candidates = candidates & (torch.rand(weight.shape) < drop_rate)
    return weight * (~candidates).to(weight.dtype)
'''}
FAILS = {"test_candidates", "test_training_drops", "test_eval_and_edge_cases"}
