"""Multiplies the input by the mask in place and returns it."""

CELLS = {
    "curriculum_rate": '''
def curriculum_rate(step, gamma=1e-3, final_keep=0.5):
    if step < 0 or gamma < 0 or not 0 <= final_keep <= 1:
        raise ValueError("step and gamma must be non-negative and final_keep in [0, 1]")
    return (1 - final_keep) * (1 - math.exp(-gamma * step))
''',
    "scheduled_dropout": '''
class ScheduledDropout(nn.Module):
    def __init__(self, schedule):
        super().__init__()
        self.schedule, self.steps_taken = schedule, 0
        self.p = schedule(0)

    def step(self):
        self.steps_taken += 1
        self.p = self.schedule(self.steps_taken)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = (torch.rand(x.shape) >= self.p).to(x.dtype)
        return x.mul_(keep / (1 - self.p) if self.p < 1 else keep)
''',
}
FAILS = {"test_dropout", "test_eval_and_edge_cases"}
KEEPS = {"test_curriculum_rate", "test_schedule"}
MESSAGES = {"test_eval_and_edge_cases": "must not modify its input"}
