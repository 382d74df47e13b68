package io.statetree.core.break20;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Helpers of the issue-20 break tests: an order-keeping text form of a value (so two trees compare
 * equal only when their children come in the same order), and a small insertion-ordered model of
 * the tree that is not the product's code.
 */
final class Break20Support {

	private Break20Support() {
	}

	/** The value as JSON-like text, maps in their iteration order, numbers by value. */
	static String ordered(@Nullable Object value) {
		StringBuilder out = new StringBuilder();
		write(out, value);
		return out.toString();
	}

	private static void write(StringBuilder out, @Nullable Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					out.append(',');
				}
				first = false;
				out.append('"').append(entry.getKey()).append("\":");
				write(out, entry.getValue());
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(out, list.get(i));
			}
			out.append(']');
		}
		else if (value instanceof Number number) {
			BigDecimal decimal = (number instanceof BigDecimal d) ? d
					: (number instanceof BigInteger i) ? new BigDecimal(i) : new BigDecimal(number.toString());
			decimal = decimal.stripTrailingZeros();
			out.append((decimal.scale() <= 0) ? decimal.toBigIntegerExact().toString() : decimal.toPlainString());
		}
		else if (value instanceof String string) {
			out.append('"').append(string).append('"');
		}
		else {
			out.append(value);
		}
	}

	/** The same value with every empty branch left out (backends may keep or drop them). */
	static @Nullable Object pruned(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> out = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			Object child = pruned(v);
			if (!(child instanceof Map<?, ?> m && m.isEmpty())) {
				out.put((String) k, child);
			}
		});
		return out;
	}

	/** The value pruned, an empty branch (a directory whose children were all deleted) counting as nothing. */
	static @Nullable Object emptyAsAbsent(@Nullable Object value) {
		Object pruned = pruned(value);
		return (pruned instanceof Map<?, ?> map && map.isEmpty()) ? null : pruned;
	}

	/** Whether two values are the same JSON, numbers by value, children in any order. */
	static boolean sameJson(@Nullable Object a, @Nullable Object b) {
		return ordered(sorted(a)).equals(ordered(sorted(b)));
	}

	static @Nullable Object sorted(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> out = new java.util.TreeMap<>();
		map.forEach((k, v) -> out.put((String) k, sorted(v)));
		return out;
	}

	static void deleteTree(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(directory)) {
			for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
