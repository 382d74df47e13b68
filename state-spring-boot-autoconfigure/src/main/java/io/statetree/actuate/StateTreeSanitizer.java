package io.statetree.actuate;

import java.text.Normalizer;
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
 * branch or array is masked whole. Keys inside arrays (such as {@code /users/0/token}) are checked
 * like any other.
 * <p>
 * <b>Words.</b> A key pattern made of letters, digits, {@code _}, {@code -}, {@code .} and spaces
 * is a word, or a phrase of words, matched against the <em>words</em> of a key. A key is cut into
 * words at every character other than a letter or digit ({@code snake_case}, {@code kebab-case},
 * {@code dots}, spaces), at every lower-to-upper case change ({@code camelCase}), before the last
 * capital of a run of capitals followed by a small letter ({@code APIKey} is {@code api} and
 * {@code key}), and between letters and digits. Before that the key is normalised (Unicode NFKD),
 * and invisible characters (zero-width spaces and joiners, the byte-order mark and every other
 * Unicode format character, control characters, combining marks and variation selectors) are
 * dropped, so they neither hide a word nor split one. Words compare ignoring case, and a plural
 * matches its singular ({@code tokens}, {@code keys}, {@code cookies}, {@code credential} for
 * {@code credentials}). A phrase such as {@code api-key} matches its words in a row
 * ({@code apiKey}, {@code API_KEYS}) and also those words run together in a key ({@code apikey}).
 * A word of five letters or more (a phrase: its words run together) also matches at the end of a
 * longer word, because keys are often written run together in lower or upper case:
 * {@code token} masks {@code apitoken} and {@code GITHUBTOKENS}, {@code password} masks
 * {@code dbpassword}. Otherwise a word never matches part of a longer word: {@code key} masks
 * {@code sshKeys} and {@code private_key_pem}, not {@code monkey}, {@code turkey},
 * {@code keyboard} or {@code sshkey}; {@code token} masks {@code sessionToken}, not
 * {@code tokenizer}; {@code secret} does not mask {@code secretary}.
 * <p>
 * <b>Regular expressions.</b> Any other pattern is a regular expression that must match the whole
 * key (as given, or with its invisible characters dropped and its ends trimmed), ignoring case.
 * <p>
 * Immutable and thread-safe.
 */
public final class StateTreeSanitizer {

	/** What a masked value is replaced with. */
	public static final String MASK = "******";

	/**
	 * The default sensitive keys: single words, and phrases whose words are also matched when run
	 * together in one word (such as {@code apikey}).
	 */
	public static final List<String> DEFAULT_KEYS = List.of("password", "passwd", "pwd", "passphrase", "secret",
			"token", "key", "credentials", "creds", "authorization", "bearer", "cookie", "private", "api-key",
			"access-key", "secret-key", "private-key", "access-token", "auth-token", "refresh-token", "session-token",
			"client-secret");

	/**
	 * The least length of a sensitive word (or phrase run together) that also matches at the end
	 * of a longer word: {@code token} masks {@code apitoken}, {@code key} does not mask
	 * {@code monkey}.
	 */
	static final int MIN_TAIL_LENGTH = 5;

	private static final Pattern WORDS_PATTERN = Pattern.compile("[\\p{L}\\p{N}_.\\- ]+");

	private final List<Phrase> phrases;

	private final List<Pattern> expressions;

	/**
	 * Creates a sanitizer.
	 * @param keyPatterns the sensitive key patterns: words and phrases, or regular expressions
	 * @throws IllegalArgumentException naming the pattern when one is blank, has no letter or
	 * digit, or is not a valid regular expression
	 */
	public StateTreeSanitizer(List<String> keyPatterns) {
		List<Phrase> phrases = new ArrayList<>();
		List<Pattern> expressions = new ArrayList<>();
		for (String pattern : keyPatterns) {
			if (pattern == null || pattern.isBlank()) {
				throw new IllegalArgumentException("Sensitive key pattern '" + pattern + "' is blank");
			}
			String trimmed = pattern.trim();
			if (WORDS_PATTERN.matcher(trimmed).matches()) {
				List<String> words = words(trimmed);
				if (words.isEmpty()) {
					throw new IllegalArgumentException(
							"Sensitive key pattern '" + pattern + "' has no letter or digit to match");
				}
				phrases.add(new Phrase(words));
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
		this.phrases = List.copyOf(phrases);
		this.expressions = List.copyOf(expressions);
	}

	/**
	 * Tells whether a key is sensitive.
	 * @param key a path segment or a map key
	 * @return {@code true} when its value must be masked
	 */
	public boolean isSensitive(String key) {
		if (!this.phrases.isEmpty()) {
			List<String> words = words(key);
			for (Phrase phrase : this.phrases) {
				if (phrase.matches(words)) {
					return true;
				}
			}
		}
		if (!this.expressions.isEmpty()) {
			String visible = dropInvisible(key).trim();
			for (Pattern expression : this.expressions) {
				if (expression.matcher(key).matches() || expression.matcher(visible).matches()) {
					return true;
				}
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

	/**
	 * Cuts a key into lower-case words as the class describes.
	 * @param key the key
	 * @return its words, in order; empty when it has no letter or digit
	 */
	static List<String> words(String key) {
		String text = isAscii(key) ? key : Normalizer.normalize(key, Normalizer.Form.NFKD);
		List<String> words = new ArrayList<>();
		// The code points of the current run of letters and digits, invisible ones dropped.
		int[] run = new int[text.length()];
		int length = 0;
		for (int i = 0; i < text.length();) {
			int codePoint = text.codePointAt(i);
			i += Character.charCount(codePoint);
			if (isInvisible(codePoint)) {
				continue;
			}
			if (Character.isLetterOrDigit(codePoint)) {
				run[length++] = codePoint;
			}
			else {
				splitRun(run, length, words);
				length = 0;
			}
		}
		splitRun(run, length, words);
		return words;
	}

	private static void splitRun(int[] run, int length, List<String> words) {
		int start = 0;
		for (int i = 1; i < length; i++) {
			int previous = run[i - 1];
			int current = run[i];
			boolean boundary = (isSmall(previous) && Character.isUpperCase(current))
					|| (Character.isDigit(previous) != Character.isDigit(current))
					|| (Character.isUpperCase(previous) && Character.isUpperCase(current) && i + 1 < length
							&& isSmall(run[i + 1]));
			if (boundary) {
				words.add(lowerCase(run, start, i));
				start = i;
			}
		}
		if (start < length) {
			words.add(lowerCase(run, start, length));
		}
	}

	private static boolean isSmall(int codePoint) {
		return Character.isLowerCase(codePoint) || Character.isTitleCase(codePoint);
	}

	private static String lowerCase(int[] run, int from, int to) {
		return new String(run, from, to - from).toLowerCase(Locale.ROOT);
	}

	private static boolean isAscii(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Tells whether a character is not seen when a key is shown: format characters (zero-width
	 * space, joiners, byte-order mark, bidirectional marks), controls, combining marks, variation
	 * selectors and the Hangul fillers.
	 */
	static boolean isInvisible(int codePoint) {
		if (Character.isIdentifierIgnorable(codePoint)) {
			return true;
		}
		switch (Character.getType(codePoint)) {
			case Character.FORMAT, Character.CONTROL, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
					Character.COMBINING_SPACING_MARK:
				return true;
			default:
				break;
		}
		return (codePoint >= 0xFE00 && codePoint <= 0xFE0F) || (codePoint >= 0xE0100 && codePoint <= 0xE01EF)
				|| codePoint == 0x115F || codePoint == 0x1160 || codePoint == 0x3164 || codePoint == 0xFFA0
				|| codePoint == 0x17B4 || codePoint == 0x17B5;
	}

	private static String dropInvisible(String key) {
		StringBuilder visible = new StringBuilder(key.length());
		key.codePoints().filter((codePoint) -> !isInvisible(codePoint)).forEach(visible::appendCodePoint);
		return visible.toString();
	}

	/**
	 * Tells whether a word is another one or its plural (or the singular of a plural one).
	 */
	static boolean sameWord(String word, String sensitive) {
		return word.equals(sensitive) || isPluralOf(word, sensitive) || isPluralOf(sensitive, word);
	}

	private static boolean isPluralOf(String plural, String singular) {
		int extra = plural.length() - singular.length();
		if (extra < 1 || extra > 2 || !plural.startsWith(singular)) {
			return false;
		}
		String ending = plural.substring(singular.length());
		return ending.equals("s") || ending.equals("es");
	}

	/**
	 * A sensitive word or phrase: its words in a row, the last one possibly plural, or all of them
	 * run together in one word (or in consecutive words of the key).
	 */
	private static final class Phrase {

		private final String joined;

		Phrase(List<String> words) {
			this.joined = String.join("", words);
		}

		boolean matches(List<String> key) {
			for (int start = 0; start < key.size(); start++) {
				if (matchesAt(key, start)) {
					return true;
				}
			}
			if (this.joined.length() >= MIN_TAIL_LENGTH) {
				for (String word : key) {
					if (endsWithThis(word)) {
						return true;
					}
				}
			}
			return false;
		}

		/**
		 * Whether a longer word ends with this phrase run together, or its plural or singular
		 * ({@code apitoken}, {@code dbpasswords}): only a handful of tails are compared, so a
		 * long key costs no more than a short one.
		 */
		private boolean endsWithThis(String word) {
			for (int extra = -2; extra <= 2; extra++) {
				int length = this.joined.length() + extra;
				if (length >= MIN_TAIL_LENGTH && length < word.length()
						&& sameWord(word.substring(word.length() - length), this.joined)) {
					return true;
				}
			}
			return false;
		}

		private boolean matchesAt(List<String> key, int start) {
			// Consecutive key words that, run together, spell the phrase's words run together:
			// covers apiKey, api_key and apikey for api-key, and to_ken for token.
			StringBuilder run = new StringBuilder();
			for (int end = start; end < key.size(); end++) {
				run.append(key.get(end));
				if (run.length() > this.joined.length() + 2) {
					return false;
				}
				if (sameWord(run.toString(), this.joined)) {
					return true;
				}
				if (!this.joined.startsWith(run.toString())) {
					return false;
				}
			}
			return false;
		}

	}

}
