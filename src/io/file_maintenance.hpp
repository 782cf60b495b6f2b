#pragma once
// File-level chores around run files that RunFile itself does not do. Collective on comm; rank 0
// touches the file system and every rank learns the outcome (one-line InputError on failure).
#include <mpi.h>

#include <string>

namespace terrain::io {

// Copies `from` to `to` through a temporary renamed into place, so `to` is never half written.
void copy_atomically(MPI_Comm comm, const std::string& from, const std::string& to);

// Deletes "<path>.tmp.<pid>" files left by killed writers on this host (their pid is not alive).
// Returns how many were removed.
int remove_stale_temporaries(MPI_Comm comm, const std::string& path);

// True when `a` and `b` name one file however they are spelled ("in.h5", "./in.h5", a link, a
// path through ".."): the same device and inode when both exist, else the same canonical path.
// Not collective: every rank gets the same answer from a shared file system.
bool same_file(const std::string& a, const std::string& b);

// True when `path` exists (as rank 0 sees it).
bool file_exists(MPI_Comm comm, const std::string& path);

}  // namespace terrain::io
