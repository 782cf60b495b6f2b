#pragma once
// File-level chores around run files that RunFile itself does not do. Collective on comm; rank 0
// touches the file system and every rank learns the outcome (one-line InputError on failure).
#include <mpi.h>

#include <string>

namespace terrain::io {

// Copies `from` to `to` through a temporary renamed into place, so `to` is never half written.
void copy_atomically(MPI_Comm comm, const std::string& from, const std::string& to);

// The temporary a writer fills before renaming it onto `path`: "<path>.tmp.<host>.<pid>" with
// rank 0's host name and pid (unique among concurrent writers, also across the nodes of a
// cluster sharing the file system). The first time this process asks for a temporary of `path`,
// the temporaries of writers that died before their rename are removed (remove_stale_temporaries).
// Collective on comm; every rank gets the same name.
std::string temporary_for(MPI_Comm comm, const std::string& path);

// Deletes the temporaries of `path` whose writer is dead: named after this host and a pid that is
// not alive here. Temporaries of other hosts (their writer may be running there) and of the old
// "<path>.tmp.<pid>" form (no host to check against) are left alone. Returns how many were
// removed; collective on comm.
int remove_stale_temporaries(MPI_Comm comm, const std::string& path);

// True when `a` and `b` name one file however they are spelled ("in.h5", "./in.h5", a link, a
// path through ".."): the same device and inode when both exist, else the same canonical path.
// Not collective: every rank gets the same answer from a shared file system.
bool same_file(const std::string& a, const std::string& b);

// True when `path` exists (as rank 0 sees it).
bool file_exists(MPI_Comm comm, const std::string& path);

}  // namespace terrain::io
