package io.statetree.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Comparing trees read from different backends, for tests in several packages.
 */
public final class TreeComparison {

	private TreeComparison() {
	}

	/**
	 * The value with every empty branch below it taken as absent: backends differ on whether a
	 * branch emptied by deletes stays (a memory mount emptied reads as absent; a hybrid drops the
	 * part of a commit that changed nothing on its backend, branches made on the way included; a
	 * crash may leave an empty directory behind), where a model keeps it.
	 * @param value a value of the JSON model
	 * @return a new copy without empty branches (the value itself when it is no branch; an empty
	 * branch when every child of it was one)
	 */
	public static @Nullable Object withoutEmptyBranches(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> kept = new LinkedHashMap<>();
		map.forEach((key, child) -> {
			Object pruned = withoutEmptyBranches(child);
			if (!(pruned instanceof Map<?, ?> branch && branch.isEmpty())) {
				kept.put((String) key, pruned);
			}
		});
		return kept;
	}

}
