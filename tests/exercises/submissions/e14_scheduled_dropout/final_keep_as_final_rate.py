"""Reads final_keep as the drop rate reached at the end: right for the default 0.5 only."""

CELLS = {"curriculum_rate": '''
def curriculum_rate(step, gamma=1e-3, final_keep=0.5):
    if step < 0 or gamma < 0 or not 0 <= final_keep <= 1:
        raise ValueError("step and gamma must be non-negative and final_keep in [0, 1]")
    return final_keep * (1 - math.exp(-gamma * step))
'''}
FAILS = {"test_curriculum_rate"}
MESSAGES = {"test_curriculum_rate": "the rate tends to 1 - final_keep"}
