# Source this before running terrain by hand: Open MPI settings for this kind of machine.
# Open MPI refuses to run as root (containers, CI) unless told to.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# More ranks than cores is fine for tests and small studies (a cluster allocation never needs it).
export OMPI_MCA_rmaps_base_oversubscribe=1
# One BLAS thread per rank: MPI ranks already fill the cores.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
