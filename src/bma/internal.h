/*
 * Internal to bma: the reading of the small CSV/XLSX files bma takes (a
 * mapping, phone verifications), shared by mapping.c and verify.c. Not for
 * other modules. Strings returned live in the arena the caller passes.
 */
#ifndef MTM_BMA_INTERNAL_H
#define MTM_BMA_INTERNAL_H

#include "core/core.h"
#include "table/table.h"

/* 1 when every cell of row is empty or spaces only. */
int mtm_bma__blank_row(const mtm_row *row);
/*
 * Reads the header row of the file at path, whose n known columns are
 * names[] (matched without case, cells trimmed, empty cells skipped):
 * col[j] receives the cell index of names[j], or stays -1. Returns 0, or
 * MTM_EINVAL with err naming the file, row and column for an unknown or
 * repeated column, or a missing one whose bit (1 << j) is in required;
 * 'what' names the file in the message ("a mapping").
 */
int mtm_bma__header(const char *path, const mtm_row *row, const char *const *names, int n,
                    unsigned required, const char *what, int *col, mtm_err *err);
/* The trimmed cells of a data row in the header's order into v[0..n),
 * "" for a column the file lacks or the row leaves out. */
void mtm_bma__cells(const mtm_row *row, const int *col, int n, mtm_arena *a, const char **v);

#endif
