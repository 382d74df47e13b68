package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Derived writes side by side under one branch (issue 20 applies them to the parent in one pass,
 * at most 16 kept pending) keep DESIGN §7's insertion order: a chain of derivations whose
 * destinations are siblings under {@code /w}, named against their dependency order, some returning
 * {@code null} (a delete) by parity, recreated together when the branch is deleted in the same
 * commit as their source changes. The children of {@code /w} must come in the order a
 * {@link LinkedHashMap} gives the same writes in dependency order.
 */
class DerivedSiblingOrderTest {

	@ParameterizedTest(name = "{0}, chain of {1}")
	@CsvSource({ "memory,5", "memory,20", "memory,40", "files,20", "caching,20" })
	void siblingsWrittenByAChainKeepInsertionOrder(String backendName, int length) throws IOException {
		Path directory = Files.createTempDirectory("break20-order");
		try (StateController state = StateController.create(backend(backendName, directory))) {
			Map<String, Long> model = new LinkedHashMap<>();
			state.set("/src", 1);
			// n(length-1) reads /src; n(i) reads n(i+1): dependency order n(length-1), ..., n0
			for (int i = length - 1; i >= 0; i--) {
				String source = (i == length - 1) ? "/src" : "/w/n" + (i + 1);
				int index = i;
				state.derive("/w/n" + i, source, (v) -> step(index, v));
			}
			replay(model, new LinkedHashMap<>(), null, 1L, length);
			check(state, model, "after registration");
			long[] sources = { 2, 3, 4, 7, 8, 11 };
			long last = 1;
			for (long src : sources) {
				state.set("/src", src);
				replay(model, new LinkedHashMap<>(model), last, src, length);
				last = src;
				check(state, model, "after /src = " + src);
			}
			// delete the whole branch in the commit that changes the source: all recreated at once
			state.batch(() -> {
				state.delete("/w");
				state.set("/src", 20);
			});
			Map<String, Long> before = new LinkedHashMap<>(model);
			model.clear();
			replay(model, before, last, 20L, length);
			check(state, model, "after deleting /w and /src = 20");
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	private static StateBackend backend(String name, Path directory) {
		return switch (name) {
			case "files" -> FileSystemBackend.builder(directory).fsync(false).build();
			case "caching" -> new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(),
					CachePolicy.defaults());
			default -> new InMemoryBackend();
		};
	}

	/** n(i)'s value: its source plus one, or nothing when its source is absent or its result is odd at an odd index. */
	private static @Nullable Object step(int index, @Nullable Object source) {
		if (source == null) {
			return (long) index;
		}
		long value = ((Number) source).longValue() + 1;
		return (index % 3 == 1 && value % 2 == 1) ? null : value;
	}

	/**
	 * One commit of the model: {@code before} is the branch before the commit (the user's writes
	 * are already in {@code model}); a derivation runs when its source differs from before, else its
	 * destination keeps what the commit left there. At registration ({@code oldSrc} null) all run.
	 */
	private static void replay(Map<String, Long> model, Map<String, Long> before, @Nullable Long oldSrc, long src,
			int length) {
		for (int i = length - 1; i >= 0; i--) {
			Object now = (i == length - 1) ? (Object) src : model.get("n" + (i + 1));
			Object then = (i == length - 1) ? oldSrc : before.get("n" + (i + 1));
			if (oldSrc != null && java.util.Objects.equals(now, then)) {
				continue;
			}
			Object value = step(i, now);
			if (value == null) {
				model.remove("n" + i);
			}
			else {
				model.put("n" + i, (Long) value);
			}
		}
	}

	private static void check(StateController state, Map<String, Long> model, String when) {
		Object w = state.get("/w");
		List<String> keys = (w == null) ? List.of() : new ArrayList<>(((Map<String, ?>) w).keySet());
		assertThat(keys).as("children of /w " + when).isEqualTo(new ArrayList<>(model.keySet()));
		for (Map.Entry<String, Long> entry : model.entrySet()) {
			assertThat(((Number) ((Map<?, ?>) w).get(entry.getKey())).longValue()).as(entry.getKey() + " " + when)
				.isEqualTo(entry.getValue());
		}
	}

}
