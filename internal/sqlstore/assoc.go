package sqlstore

import (
	"context"
	"fmt"
	"slices"
)

// chunk is how many keys one IN list holds when loading join tables.
const chunk = 500

// loadSets reads a join table for many keys. query selects (key, value) rows
// and has one %s where the IN list of placeholders goes. Each key's values
// come back sorted without duplicates.
func loadSets[K, V int64 | string](ctx context.Context, q Querier, query string, keys []K) (map[K][]V, error) {
	sets := make(map[K][]V, len(keys))
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		if err := loadChunk(ctx, q, fmt.Sprintf(query, placeholders(1, len(part))), args, sets); err != nil {
			return nil, err
		}
	}
	for k, v := range sets {
		slices.Sort(v)
		sets[k] = slices.Compact(v)
	}
	return sets, nil
}

func loadChunk[K, V int64 | string](ctx context.Context, q Querier, query string, args []any, sets map[K][]V) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		sets[k] = append(sets[k], v)
	}
	return rows.Err()
}

// replaceSet rewrites one key's rows of a join table: it deletes them, then
// inserts values without duplicates. table, keyCol and valCol are constants.
func replaceSet[K, V int64 | string](ctx context.Context, q Querier, table, keyCol, valCol string, key K, values []V) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE "+keyCol+" = $1", key); err != nil {
		return err
	}
	insert := "INSERT INTO " + table + " (" + keyCol + ", " + valCol + ") VALUES ($1, $2)"
	for _, v := range sortedUnique(values) {
		if _, err := q.ExecContext(ctx, insert, key, v); err != nil {
			return err
		}
	}
	return nil
}
