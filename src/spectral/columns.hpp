#pragma once
// Columns of MATDENSE blocks (laid out like an operator's rows) as Vecs and back, and their
// pairwise dot products: the glue between multi-vector products and per-vector algorithms.
#include <petscmat.h>

#include <vector>

namespace terrain::spectral {

// Local copies, no communication; `v` must have the rows' layout.
void copy_column(Mat from, PetscInt j, Vec to);
void copy_to_column(Vec from, Mat to, PetscInt j);

// out[j] = Σ_i X[i, j] Y[i, j], reduced over the ranks.
std::vector<double> column_dots(Mat X, Mat Y);

}  // namespace terrain::spectral
