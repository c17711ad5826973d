"""Checks drop_rate but lets any targeted_fraction through (and prunes without a gradient in evaluation)."""

CELLS = {"targeted_dropout": '''
def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True):
    if not 0 <= drop_rate <= 1:
        raise ValueError(f"drop_rate must be in [0, 1], got {drop_rate}")
    k = math.floor(targeted_fraction * weight.shape[1])
    smallest = weight.detach().abs().argsort(dim=1)[:, :k]
    candidates = torch.zeros(weight.shape, dtype=torch.bool).scatter(1, smallest, True)
    if not training:
        with torch.no_grad():
            return weight.masked_fill(candidates, 0.0)
    return weight * (~(candidates & (torch.rand(weight.shape) < drop_rate))).to(weight.dtype)
'''}
FAILS = {"test_eval_and_edge_cases", "test_gradient"}
KEEPS = {"test_candidates", "test_training_drops"}
MESSAGES = {"test_eval_and_edge_cases": "must raise ValueError", "test_gradient": "in eval mode too"}
