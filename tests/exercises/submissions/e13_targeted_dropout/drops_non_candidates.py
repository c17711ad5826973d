"""Drops any weight with probability drop_rate in training (DropConnect without rescaling); prunes the candidates only
in evaluation."""

CELLS = {"targeted_dropout": '''
def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True):
    if not (0 <= drop_rate <= 1 and 0 <= targeted_fraction <= 1):
        raise ValueError("drop_rate and targeted_fraction must be in [0, 1]")
    if training:
        return weight * (torch.rand(weight.shape) >= drop_rate).to(weight.dtype)
    k = math.floor(targeted_fraction * weight.shape[1])
    smallest = weight.detach().abs().argsort(dim=1)[:, :k]
    candidates = torch.zeros(weight.shape, dtype=torch.bool).scatter(1, smallest, True)
    return weight * (~candidates).to(weight.dtype)
'''}
FAILS = {"test_candidates", "test_training_drops"}
KEEPS = {"test_gradient"}
MESSAGES = {"test_training_drops": "only candidates are dropped"}
