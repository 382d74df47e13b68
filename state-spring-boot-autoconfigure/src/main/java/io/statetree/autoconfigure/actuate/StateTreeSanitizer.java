package io.statetree.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Masks the values stored under sensitive keys, such as {@code /db/password}, before they leave
 * the process. A value is sensitive when any segment of its path is a sensitive key; a sensitive
 * branch is masked whole.
 * <p>
 * A key pattern that is a plain word (letters, digits, {@code _} and {@code -}) matches every key
 * ending with it, ignoring case, as Spring Boot's sanitizer used to: {@code key} matches
 * {@code apiKey} and {@code key}, not {@code keyboard}. Any other pattern is a regular expression
 * that must match the whole key, ignoring case.
 * <p>
 * Immutable and thread-safe.
 */
public final class StateTreeSanitizer {

	/** What a masked value is replaced with. */
	public static final String MASK = "******";

	/** The default sensitive keys. */
	public static final List<String> DEFAULT_KEYS = List.of("password", "secret", "token", "key", "credentials");

	private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_-]+");

	private final List<String> suffixes;

	private final List<Pattern> expressions;

	/**
	 * Creates a sanitizer.
	 * @param keyPatterns the sensitive key patterns
	 * @throws IllegalArgumentException naming the pattern when one is blank or not a valid
	 * regular expression
	 */
	public StateTreeSanitizer(List<String> keyPatterns) {
		List<String> suffixes = new ArrayList<>();
		List<Pattern> expressions = new ArrayList<>();
		for (String pattern : keyPatterns) {
			if (pattern == null || pattern.isBlank()) {
				throw new IllegalArgumentException("Sensitive key pattern '" + pattern + "' is blank");
			}
			String trimmed = pattern.trim();
			if (PLAIN_WORD.matcher(trimmed).matches()) {
				suffixes.add(trimmed.toLowerCase(Locale.ROOT));
			}
			else {
				try {
					expressions.add(Pattern.compile(trimmed, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
				}
				catch (PatternSyntaxException ex) {
					throw new IllegalArgumentException(
							"Sensitive key pattern '" + pattern + "' is not a valid regular expression: " + ex.getDescription(),
							ex);
				}
			}
		}
		this.suffixes = List.copyOf(suffixes);
		this.expressions = List.copyOf(expressions);
	}

	/**
	 * Tells whether a key is sensitive.
	 * @param key a path segment or a map key
	 * @return {@code true} when its value must be masked
	 */
	public boolean isSensitive(String key) {
		if (!this.suffixes.isEmpty()) {
			String lower = key.toLowerCase(Locale.ROOT);
			for (String suffix : this.suffixes) {
				if (lower.endsWith(suffix)) {
					return true;
				}
			}
		}
		for (Pattern expression : this.expressions) {
			if (expression.matcher(key).matches()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells whether the value at a path is sensitive because one of its segments is.
	 * @param path the path
	 * @return {@code true} when the whole value at the path must be masked
	 */
	public boolean isSensitive(StatePath path) {
		for (String segment : path.segments()) {
			if (isSensitive(segment)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Masks the sensitive parts of a value read at a path.
	 * @param path where the value was read
	 * @param value an immutable model value (or any tree of maps, lists and scalars)
	 * @return the value with every sensitive part replaced by {@link #MASK}; the value itself
	 * when nothing is sensitive
	 */
	public @Nullable Object sanitize(StatePath path, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (isSensitive(path)) {
			return MASK;
		}
		return sanitize(value);
	}

	/**
	 * Masks the values under sensitive keys in a tree of maps and lists, such as a backend
	 * description.
	 * @param value the value
	 * @return the masked copy, or the value itself when nothing is sensitive
	 */
	public @Nullable Object sanitize(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> copy = null;
			int index = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				String key = String.valueOf(entry.getKey());
				Object child = entry.getValue();
				Object masked = (child != null && isSensitive(key)) ? MASK : sanitize(child);
				if (masked != child && copy == null) {
					copy = copyOfFirst(map, index);
				}
				if (copy != null) {
					copy.put(key, masked);
				}
				index++;
			}
			return (copy != null) ? copy : value;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = null;
			for (int i = 0; i < list.size(); i++) {
				Object child = list.get(i);
				Object masked = sanitize(child);
				if (masked != child && copy == null) {
					copy = new ArrayList<>(list.subList(0, i));
				}
				if (copy != null) {
					copy.add(masked);
				}
			}
			return (copy != null) ? copy : value;
		}
		return value;
	}

	private static Map<String, @Nullable Object> copyOfFirst(Map<?, ?> map, int count) {
		Map<String, @Nullable Object> copy = new LinkedHashMap<>();
		int index = 0;
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			if (index++ == count) {
				break;
			}
			copy.put(String.valueOf(entry.getKey()), entry.getValue());
		}
		return copy;
	}

	/**
	 * Replaces every leaf of a value by {@link #MASK}, keeping the branches' keys.
	 * @param value the value
	 * @return the masked copy
	 */
	static @Nullable Object maskLeaves(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> copy = new LinkedHashMap<>();
			map.forEach((key, child) -> copy.put(String.valueOf(key), maskLeaves(child)));
			return copy;
		}
		return MASK;
	}

}
