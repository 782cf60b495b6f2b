#pragma once
// Printing a spectral report once, in one format, for every driver that measures one:
// terrain-spectrum prints the whole SpectrumReport, terrain-train the extreme ends it measures
// at its final point. Rank 0 of `comm` prints (PetscPrintf).
#include <mpi.h>

#include <string>

#include "spectral/results.hpp"

namespace terrain::spectral {

// "largest hessian eigenvalues:  5.1e+00 ...   (max residual 1.0e-12, 120 H.v, 0.02 s)", the
// same for the smallest end when it was requested, and a warning when fewer pairs converged
// than were requested.
void print_extreme(MPI_Comm comm, const std::string& op, const ExtremeSpectrum& e);

// Every part of the report that was measured, one or two lines each, ending with the
// estimates and the "classification: ..." line.
void summary(MPI_Comm comm, const SpectrumReport& r);

}  // namespace terrain::spectral
