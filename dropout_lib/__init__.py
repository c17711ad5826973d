"""Reference implementations of dropout and its variants, for the dropout course.

Every layer has a plain function holding its math and a thin ``torch.nn.Module`` around it (the NumPy versions
have explicit forward and backward passes). ``p`` is always the probability of dropping.
"""

from dropout_lib.alpha import (ALPHA_PRIME, SELU_ALPHA, SELU_LAMBDA, AlphaDropout, FeatureAlphaDropout,
                               alpha_dropout, alpha_dropout_coefficients, feature_alpha_dropout)
from dropout_lib.batchnorm import dropout_variance, recalibrate_batchnorm
from dropout_lib.concrete import ConcreteDropout, concrete_dropout, relaxed_drop_indicator
from dropout_lib.drop_path import DropPath, drop_path, drop_path_rates
from dropout_lib.dropconnect import DropConnectLinear, dropconnect_linear, dropconnect_linear_per_example
from dropout_lib.dropout import Dropout, dropout, keep_mask
from dropout_lib.ensemble import (all_masks, exact_ensemble, geometric_ensemble, mask_probabilities, mc_ensemble,
                                  weight_scaled)
from dropout_lib.gaussian import GaussianDropout, gaussian_dropout
from dropout_lib.mc import (MCClassification, dropout_layers, entropy, is_dropout_layer, mc_classify, mc_dropout,
                            mc_predict)
from dropout_lib.recurrent import LockedDropout, WeightDrop, locked_dropout
from dropout_lib.scheduled import ScheduledDropout, curriculum_rate, linear_ramp
from dropout_lib.spatial import SpatialDropout1d, SpatialDropout2d, SpatialDropout3d, spatial_dropout
from dropout_lib.targeted import TargetedDropoutLinear, targeted_candidates, targeted_dropout
from dropout_lib import numpy_dropout, numpy_mlp

__version__ = "0.1.0"

__all__ = [
    "ALPHA_PRIME", "SELU_ALPHA", "SELU_LAMBDA", "AlphaDropout", "ConcreteDropout", "DropConnectLinear", "DropPath",
    "Dropout", "FeatureAlphaDropout", "GaussianDropout", "LockedDropout", "MCClassification", "ScheduledDropout",
    "SpatialDropout1d", "SpatialDropout2d", "SpatialDropout3d", "TargetedDropoutLinear", "WeightDrop",
    "all_masks", "alpha_dropout", "alpha_dropout_coefficients", "concrete_dropout", "curriculum_rate",
    "drop_path", "drop_path_rates", "dropconnect_linear", "dropconnect_linear_per_example", "dropout",
    "dropout_layers", "dropout_variance", "entropy",
    "exact_ensemble", "feature_alpha_dropout", "gaussian_dropout", "geometric_ensemble", "is_dropout_layer",
    "keep_mask", "linear_ramp", "locked_dropout", "mask_probabilities", "mc_classify", "mc_dropout",
    "mc_ensemble", "mc_predict", "numpy_dropout", "numpy_mlp", "recalibrate_batchnorm", "relaxed_drop_indicator",
    "spatial_dropout", "targeted_candidates", "targeted_dropout", "weight_scaled",
]
