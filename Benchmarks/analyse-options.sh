# The options of the `tend analyse` benchmark (sourced by run.sh and alternate.sh): JT reliable change for
# every measure, the mixed ANOVA (Type II, which the reference computes), change, drop-out; the pandas +
# pingouin reference takes the same.
opts=(--pre pre --post post --type 2
  --reliability scs-sf.total=0.83 --reliability pseq.total=0.88 --reliability fscrs.hated-self=0.87
  --reliability dass21.stress=0.9 --reliability craving.rating=0.8
  --better scs-sf.total=higher --better pseq.total=higher --better fscrs.hated-self=lower
  --better dass21.stress=lower --better craving.rating=lower)
