package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StateTreeSanitizer} matches sensitive keys by their words: the keys from the issue as
 * examples, and random decorations of sensitive and harmless words as properties.
 */
class StateTreeSanitizerTest {

	private static final StateTreeSanitizer DEFAULTS = new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS);

	/** Keys the issue found shown in clear by the value and changes endpoints. */
	private static final List<String> LEAKED_KEYS = List.of("tokens", "apiTokens", "keys", "sshKeys", "credential",
			"creds", "secretValue", "accessTokenValue", "passwd", "pwd", "Authorization", "bearer", "cookie",
			"private_key_pem", "sessionToken ", "TOKEN\u200b");

	/** Single sensitive words of the default list (and the singular of credentials). */
	private static final List<String> SENSITIVE_WORDS = List.of("password", "passwd", "pwd", "passphrase", "secret",
			"token", "key", "credential", "credentials", "creds", "authorization", "bearer", "cookie", "private");

	/**
	 * Harmless words, some containing a sensitive word (monkey, keyboard, tokenizer), chosen so
	 * that no run of them spells a sensitive word either.
	 */
	private static final List<String> HARMLESS_WORDS = List.of("monkey", "turkey", "donkey", "keyboard", "keynote",
			"tokenizer", "secretary", "passage", "cookbook", "user", "name", "count", "value", "url", "host", "port",
			"enabled", "config", "list", "item", "data", "public", "note", "session", "id", "owner", "mode");

	private static final List<String> INVISIBLE = List.of("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
			"\u00ad", "\u200e", "\u202a");

	@Example
	void theKeysTheIssueFoundInClearAreMasked() {
		for (String key : LEAKED_KEYS) {
			assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isTrue();
		}
		Map<String, Object> value = new LinkedHashMap<>();
		LEAKED_KEYS.forEach((key) -> value.put(key, "leak-" + key.trim()));
		value.put("monkey", "banana");
		Object masked = DEFAULTS.sanitize(StatePath.of("/config"), value);
		Map<String, Object> expected = new LinkedHashMap<>();
		LEAKED_KEYS.forEach((key) -> expected.put(key, StateTreeSanitizer.MASK));
		expected.put("monkey", "banana");
		assertThat(masked).isEqualTo(expected);
	}

	@Example
	void keysAreCutIntoWordsAsDocumented() {
		assertThat(StateTreeSanitizer.words("APIKey")).containsExactly("api", "key");
		assertThat(StateTreeSanitizer.words("accessTokenValue")).containsExactly("access", "token", "value");
		assertThat(StateTreeSanitizer.words("private_key_pem")).containsExactly("private", "key", "pem");
		assertThat(StateTreeSanitizer.words(" sessionToken ")).containsExactly("session", "token");
		assertThat(StateTreeSanitizer.words("TO\u200bKEN\ufeff")).containsExactly("token");
		assertThat(StateTreeSanitizer.words("oauth2-Token.v1")).containsExactly("oauth", "2", "token", "v", "1");
		assertThat(StateTreeSanitizer.words("\uff54\uff4f\uff4b\uff45\uff4e")).containsExactly("token");
		assertThat(StateTreeSanitizer.words("__")).isEmpty();
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new StateTreeSanitizer(List.of("__")))
			.withMessageContaining("'__'")
			.withMessageContaining("no letter or digit");
	}

	@Example
	void wordsThatMerelyContainASensitiveWordAreNotMasked() {
		for (String key : List.of("monkey", "Monkey", "turkey", "donkey", "keyboard", "keynote", "tokenizer",
				"secretary", "passage", "cookbook", "monkeys", "name")) {
			assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isFalse();
		}
	}

	@Example
	void phrasesAlsoMatchTheirWordsRunTogether() {
		for (String key : List.of("apikey", "APIKEY", "ApiKey", "api_keys", "accesstoken", "privatekey", "clientsecret",
				"x-api-key", "pass_word", "sessiontokens")) {
			assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isTrue();
		}
	}

	@Example
	void aPathIsSensitiveWhenOneOfItsSegmentsIs() {
		assertThat(DEFAULTS.sanitize(StatePath.of("/users/0/apiTokens/1"), "t-1")).isEqualTo(StateTreeSanitizer.MASK);
		assertThat(DEFAULTS.sanitize(StatePath.of("/zoo/monkey"), "banana")).isEqualTo("banana");
	}

	@Example
	void aLongSensitiveWordAtTheEndOfARunTogetherKeyIsMasked() {
		for (String key : List.of("apitoken", "APITOKEN", "apitokens", "githubtoken", "dbpassword", "adminpassword",
				"keystorepassword", "KEYSTORE_PASSWORD", "jwtsecret", "appsecrets", "dbcredentials", "dbcredential",
				"mypasswd", "sshpassphrase", "myapikey", "xsessiontoken", "userpasswords")) {
			assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isTrue();
		}
		// Short words do not match inside a longer word, nor does a long one at its start.
		for (String key : List.of("monkey", "turkey", "sshkey", "hotkey", "sacred", "tokenizer", "secretary",
				"passwordless", "cookbook", "keyboard", "oldpwd")) {
			assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isFalse();
		}
	}

	@Property(tries = 300)
	void aLongSensitiveWordRunTogetherAfterOtherWordsIsMasked(@ForAll("runTogetherKeys") String key) {
		assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isTrue();
	}

	@Property(tries = 300)
	void harmlessWordsRunTogetherAreNotMasked(@ForAll("harmlessRunTogetherKeys") String key) {
		assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isFalse();
	}

	@Provide
	Arbitrary<String> runTogetherKeys() {
		Arbitrary<String> word = Arbitraries.of(SENSITIVE_WORDS)
			.filter((sensitive) -> sensitive.length() >= StateTreeSanitizer.MIN_TAIL_LENGTH);
		Arbitrary<List<String>> before = Arbitraries.of(HARMLESS_WORDS).list().ofMinSize(1).ofMaxSize(2);
		return Combinators.combine(word, Arbitraries.of(true, false), before, Arbitraries.of(true, false),
				decorations())
			.as((sensitive, isPlural, prefix, upper, decoration) -> {
				String key = String.join("", prefix) + ((isPlural && !sensitive.endsWith("s")) ? sensitive + "s"
						: sensitive);
				return decoration.apply(upper ? key.toUpperCase(Locale.ROOT) : key);
			});
	}

	@Provide
	Arbitrary<String> harmlessRunTogetherKeys() {
		return Combinators.combine(Arbitraries.of(HARMLESS_WORDS).list().ofMinSize(2).ofMaxSize(3),
				Arbitraries.of(true, false), decorations())
			.as((words, upper, decoration) -> {
				String key = String.join("", words);
				return decoration.apply(upper ? key.toUpperCase(Locale.ROOT) : key);
			});
	}

	@Example
	void configuredWordsAndPhrasesFollowTheSameRules() {
		StateTreeSanitizer sanitizer = new StateTreeSanitizer(List.of("pin", "card-number", "iban"));
		for (String key : List.of("pin", "PINs", "cardNumber", "CARD_NUMBERS", "cardnumber", "card.number",
				"customerIban", "pin\u200b ")) {
			assertThat(sanitizer.isSensitive(key)).as("'%s'", key).isTrue();
		}
		for (String key : List.of("spinner", "pinned", "password", "card", "number")) {
			assertThat(sanitizer.isSensitive(key)).as("'%s'", key).isFalse();
		}
	}

	@Example
	void regularExpressionsIgnoreInvisibleCharactersAndSurroundingSpace() {
		StateTreeSanitizer sanitizer = new StateTreeSanitizer(List.of("cvv\\d?"));
		assertThat(sanitizer.isSensitive("CVV2")).isTrue();
		assertThat(sanitizer.isSensitive(" cvv\u200b")).isTrue();
		assertThat(sanitizer.isSensitive("cvv22")).isFalse();
	}

	@Example
	void thePropertiesDefaultIsTheSanitizersDefault() {
		assertThat(new StateTreeSecurityProperties().getSensitiveKeys()).isEqualTo(StateTreeSanitizer.DEFAULT_KEYS);
	}

	@Property(tries = 300)
	void anyDecorationOfASensitiveWordIsMasked(@ForAll("sensitiveKeys") String key) {
		assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isTrue();
		assertThat(DEFAULTS.sanitize(Map.of(key, "v", "other", 1))).isEqualTo(Map.of(key, StateTreeSanitizer.MASK,
				"other", 1));
	}

	@Property(tries = 300)
	void keysMadeOfHarmlessWordsAreNotMasked(@ForAll("harmlessKeys") String key) {
		assertThat(DEFAULTS.isSensitive(key)).as("'%s'", key).isFalse();
		Map<String, Object> value = Map.of(key, "v");
		assertThat(DEFAULTS.sanitize(value)).isSameAs(value);
	}

	@Provide
	Arbitrary<String> sensitiveKeys() {
		return decoratedSensitiveKeys();
	}

	/**
	 * Random decorations of a sensitive word: case, camel/snake/kebab/dot/space joins with
	 * harmless words, plurals, surrounding whitespace, invisible characters anywhere.
	 */
	static Arbitrary<String> decoratedSensitiveKeys() {
		Arbitrary<String> word = Arbitraries.of(SENSITIVE_WORDS);
		Arbitrary<Boolean> plural = Arbitraries.of(true, false);
		Arbitrary<List<String>> before = Arbitraries.of(HARMLESS_WORDS).list().ofMaxSize(2);
		Arbitrary<List<String>> after = Arbitraries.of(HARMLESS_WORDS).list().ofMaxSize(2);
		return Combinators.combine(word, plural, before, after, styles(), decorations())
			.as((sensitive, isPlural, prefix, suffix, style, decoration) -> {
				String core = (isPlural && !sensitive.endsWith("s")) ? sensitive + "s" : sensitive;
				List<String> words = new ArrayList<>(prefix);
				words.add(core);
				words.addAll(suffix);
				return decoration.apply(style.join(words));
			});
	}

	@Provide
	Arbitrary<String> harmlessKeys() {
		Arbitrary<List<String>> words = Arbitraries.of(HARMLESS_WORDS).list().ofMinSize(1).ofMaxSize(3);
		return Combinators.combine(words, styles(), decorations())
			.as((list, style, decoration) -> decoration.apply(style.join(list)));
	}

	private static Arbitrary<Style> styles() {
		return Arbitraries.of(Style.values());
	}

	/** Surrounding whitespace and invisible characters anywhere in the key. */
	private static Arbitrary<Decoration> decorations() {
		Arbitrary<String> space = Arbitraries.of("", " ", "  ", "\t", "\u00a0");
		Arbitrary<List<Integer>> positions = Arbitraries.integers().between(0, 1000).list().ofMaxSize(3);
		Arbitrary<String> invisible = Arbitraries.of(INVISIBLE);
		return Combinators.combine(space, space, positions, invisible).as((leading, trailing, at, mark) -> (key) -> {
			StringBuilder text = new StringBuilder(key);
			for (int position : at) {
				text.insert(position % (text.length() + 1), mark);
			}
			return leading + text + trailing;
		});
	}

	@FunctionalInterface
	interface Decoration {

		String apply(String key);

	}

	enum Style {

		LOWER_CAMEL, UPPER_CAMEL, SNAKE, UPPER_SNAKE, KEBAB, DOTS, SPACES, MIXED_CASE_KEBAB;

		String join(List<String> words) {
			StringBuilder key = new StringBuilder();
			for (int i = 0; i < words.size(); i++) {
				String word = words.get(i);
				switch (this) {
					case LOWER_CAMEL -> key.append((i == 0) ? word : capitalized(word));
					case UPPER_CAMEL -> key.append(capitalized(word));
					case SNAKE -> key.append((i == 0) ? "" : "_").append(word);
					case UPPER_SNAKE -> key.append((i == 0) ? "" : "_").append(word.toUpperCase(Locale.ROOT));
					case KEBAB -> key.append((i == 0) ? "" : "-").append(word);
					case DOTS -> key.append((i == 0) ? "" : ".").append(word);
					case SPACES -> key.append((i == 0) ? "" : " ").append(word);
					case MIXED_CASE_KEBAB -> key.append((i == 0) ? "" : "-")
						.append((i % 2 == 0) ? word.toUpperCase(Locale.ROOT) : capitalized(word));
				}
			}
			return key.toString();
		}

		private static String capitalized(String word) {
			return Character.toUpperCase(word.charAt(0)) + word.substring(1);
		}

	}

}
