"""Advances the schedule at every forward call instead of in step()."""

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
        p = self.p
        self.step()
        if not self.training or p == 0:
            return x
        if p == 1:
            return torch.zeros_like(x)
        return x * (torch.rand(x.shape) >= p).to(x.dtype) / (1 - p)
''',
}
FAILS = {"test_schedule"}
KEEPS = {"test_curriculum_rate", "test_eval_and_edge_cases"}
MESSAGES = {"test_schedule": "forward must never advance the schedule"}
