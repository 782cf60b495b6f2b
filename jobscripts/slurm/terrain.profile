# terrain on a SLURM cluster: the environment of the build and of every job.
#   cp jobscripts/slurm/terrain.profile $HOME/terrain.profile   # then edit the marked lines
#   source $HOME/terrain.profile                                # before building by hand
# The job scripts source it too (TERRAIN_PROFILE overrides the path).

# Your allocation, the one place it is set: sbatch reads SBATCH_ACCOUNT from the environment
# of the shell that submits (source this file first), and a resubmitted job passes its own
# account on (jobscripts/slurm/resubmit.bash).
export SBATCH_ACCOUNT="CHANGE_ME"

# Modules providing Open MPI (or another MPI), PETSc/SLEPc 3.18+ with real double scalars and
# 32-bit indices, parallel HDF5 1.10+, OpenBLAS and Boost. Site-specific: adapt or delete.
# module load gcc/12 openmpi/4.1 petsc/3.18 slepc/3.18 hdf5-parallel/1.10 openblas boost
# export PKG_CONFIG_PATH=$PETSC_DIR/$PETSC_ARCH/lib/pkgconfig:$SLEPC_DIR/$PETSC_ARCH/lib/pkgconfig:$PKG_CONFIG_PATH

# Where terrain lives and was built (cmake -S $TERRAIN_HOME -B $TERRAIN_BUILD).
export TERRAIN_HOME=${TERRAIN_HOME:-$HOME/src/terrain}
export TERRAIN_BUILD=${TERRAIN_BUILD:-$TERRAIN_HOME/build}

# One BLAS thread per MPI rank: terrain is data-parallel over ranks, one rank per core, and
# threads inside a rank would fight the neighbouring ranks for the same cores.
export OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS=1

# HDF5 locks files with flock(); parallel file systems mounted without it (some Lustre setups)
# make every open fail. terrain's writes are atomic renames anyway, so locking adds nothing.
export HDF5_USE_FILE_LOCKING=FALSE
