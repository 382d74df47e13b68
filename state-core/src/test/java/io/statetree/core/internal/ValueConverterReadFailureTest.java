package io.statetree.core.internal;

import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.TypeRef;
import io.statetree.core.backend.InMemoryBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stored value that does not fit the type it is read as (a file edited by hand, say) is
 * reported with the path inside the value and the type, never quoting the value: Jackson's
 * message ({@code from String "stLEAK123"}) reached the sample's unauthenticated 400 body.
 */
class ValueConverterReadFailureTest {

	record User(String name, String role, List<String> segments, Integer age) {
	}

	enum Role {

		ADMIN

	}

	record Member(Role role) {
	}

	record Checked(String token) {

		Checked {
			if (!token.startsWith("st-")) {
				throw new IllegalArgumentException("bad token '" + token + "'");
			}
		}

	}

	private final ValueConverter converter = new ValueConverter(JsonMapper.builder().build());

	@Test
	void theSampleShapedExample() {
		// users.json holding {"alice": "stLEAK123"}: was "... no String-argument constructor/factory
		// method to deserialize from String value ('stLEAK123')"
		try (StateController controller = StateController.create(new InMemoryBackend())) {
			controller.set("/users", Map.of("alice", "stLEAK123"));
			controller.set("/team", Map.of("bob", Map.of("name", "Bob", "age", "stLEAK123")));
			assertThatThrownBy(() -> controller.get("/users/alice", User.class)).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/users/alice")
				.hasMessageContaining(User.class.getName())
				.hasMessageNotContaining("stLEAK123")
				.satisfies((ex) -> assertNothingInTheChainQuotes(ex, "stLEAK123"));
			assertThatThrownBy(() -> controller.get("/team", new TypeRef<Map<String, User>>() {
			})).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/team/bob/age")
				.hasMessageContaining("is not a valid java.lang.Integer")
				.hasMessageNotContaining("stLEAK123");
		}
	}

	@Provide
	Arbitrary<Object> misfits() {
		Arbitrary<String> secret = Arbitraries.strings().alpha().ofMinLength(6).ofMaxLength(12).map((s) -> "stLEAK" + s);
		return Arbitraries.oneOf(secret.map(Object.class::cast), secret.map((s) -> Map.of("age", s)),
				secret.map((s) -> Map.of("segments", s)), secret.map((s) -> Map.of("name", Map.of("x", s))),
				secret.map((s) -> Map.of("segments", List.of(Map.of("k", s)))), secret.map((s) -> List.of(s)));
	}

	@Property(tries = 60)
	void aValueThatDoesNotFitIsNeverQuoted(@ForAll("misfits") Object value) {
		String secret = secretOf(value);
		assertThatThrownBy(() -> this.converter.convert(StatePath.of("/u"), value, User.class))
			.isInstanceOf(StateValueException.class)
			.hasMessageStartingWith("Cannot read value at /u as ")
			.hasMessageNotContaining(secret)
			.satisfies((ex) -> assertNothingInTheChainQuotes(ex, secret));
		assertThatThrownBy(() -> this.converter.convert(StatePath.of("/u"), Map.of("role", secret), Member.class))
			.hasMessageContaining("/u/role")
			.hasMessageNotContaining(secret);
		assertThatThrownBy(() -> this.converter.convert(StatePath.of("/u"), Map.of("token", secret), Checked.class))
			.hasMessageContaining("constructor")
			.hasMessageNotContaining(secret)
			.satisfies((ex) -> assertNothingInTheChainQuotes(ex, secret));
		assertThat(this.converter.convert(StatePath.of("/u"), Map.of("token", "st-ok"), Checked.class))
			.isEqualTo(new Checked("st-ok"));
	}

	/** The cause keeps the stack trace (redacted), never a message that quotes the value. */
	private static void assertNothingInTheChainQuotes(Throwable ex, String secret) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
			assertThat(String.valueOf(t)).doesNotContain(secret);
			for (Throwable suppressed : t.getSuppressed()) {
				assertThat(String.valueOf(suppressed)).doesNotContain(secret);
			}
		}
	}

	private static String secretOf(Object value) {
		String text = value.toString();
		int start = text.indexOf("stLEAK");
		int end = start;
		while (end < text.length() && Character.isLetter(text.charAt(end))) {
			end++;
		}
		return text.substring(start, end);
	}

}
