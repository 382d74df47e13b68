package io.statetree.actuate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.databind.JsonNode;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.READER;
import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots through the {@code statetree} endpoint's web extension (DESIGN §11):
 * {@code GET ...?snapshot} masked like a read, {@code POST ...?snapshot} restoring one with exact
 * numbers, refusing masked or foreign snapshots and bad documents without writing anything; and
 * {@code ?depth=1}, names without values (DESIGN §19).
 */
class StateTreeSnapshotEndpointTest {

	private static final String[] CONFIG = { "config" };

	@Example
	void aSnapshotIsMaskedLikeARead() {
		EndpointFixture fixture = new EndpointFixture("/db/internal");
		fixture.controller.set("/db", Map.of("url", "jdbc:x", "password", "s3cr3t-pw", "internal", Map.of("n", 1)));
		JsonNode snapshot = snapshot(fixture, READER, "db");
		assertThat(snapshot.get("path").asString()).isEqualTo("/db");
		assertThat(snapshot.get("revision").asLong()).isEqualTo(fixture.controller.revision());
		assertThat(snapshot.get("value").get("url").asString()).isEqualTo("jdbc:x");
		assertThat(snapshot.get("value").get("password").asString()).isEqualTo(StateTreeSanitizer.MASK);
		assertThat(snapshot.get("value").has("internal")).isFalse();
		assertThat(snapshot(fixture, ADMIN, "db").get("value").get("internal").get("n").asInt()).isEqualTo(1);
		assertThat(snapshot.toString()).doesNotContain("s3cr3t-pw");
	}

	@Example
	void aSnapshotOfAnAbsentPathHasNoValueAndRestoringItDeletes() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		JsonNode snapshot = snapshot(fixture, WRITER, "config");
		assertThat(snapshot.path("value").isMissingNode() || snapshot.get("value").isNull()).isTrue();
		fixture.controller.set("/config/theme", "dark");
		WebEndpointResponse<Object> restored = fixture.endpoint.write(WRITER, CONFIG, snapshot.toString(), "");
		assertThat(restored.getStatus()).as(fixture.body(restored)).isEqualTo(200);
		assertThat(fixture.controller.exists("/config")).isFalse();
	}

	@Example
	void aRestoreIsOneCommitWithExactNumbersAndAnswersTheRevision() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("price", new BigDecimal("1.000000000000000001"));
		config.put("huge", new BigInteger("123456789012345678901234567890"));
		config.put("rate", new BigDecimal("0.10"));
		config.put("list", List.of(1, 2.5, "three"));
		fixture.controller.set("/config", config);
		Object before = fixture.controller.get("/config");
		String text = fixture.body(fixture.endpoint.read(WRITER, CONFIG, "", null));
		fixture.controller.set("/config", Map.of("price", 2));
		long revision = fixture.controller.revision();
		WebEndpointResponse<Object> restored = fixture.endpoint.write(WRITER, CONFIG, text, "");
		assertThat(restored.getStatus()).as(fixture.body(restored)).isEqualTo(200);
		JsonNode answer = EndpointFixture.JSON.readTree(fixture.body(restored));
		assertThat(answer.get("changed").asBoolean()).isTrue();
		assertThat(answer.get("revision").asLong()).isEqualTo(revision + 1).isEqualTo(fixture.controller.revision());
		assertThat(fixture.controller.get("/config")).isEqualTo(before);
		assertThat(fixture.controller.get("/config/price")).isEqualTo(new BigDecimal("1.000000000000000001"));
		assertThat(fixture.controller.get("/config/huge")).isEqualTo(new BigInteger("123456789012345678901234567890"));
		assertThat(fixture.controller.history(revision, 10)).hasSize(1);
	}

	@Example
	void aMaskedSnapshotIsRefusedSoTheMaskNeverOverwritesASecret() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		fixture.controller.set("/db", Map.of("url", "jdbc:x", "password", "s3cr3t-pw"));
		String masked = fixture.body(fixture.endpoint.read(ADMIN, new String[] { "db" }, "", null));
		long revision = fixture.controller.revision();
		WebEndpointResponse<Object> refused = fixture.endpoint.write(ADMIN, new String[] { "db" }, masked, "");
		assertThat(refused.getStatus()).isEqualTo(400);
		assertThat(fixture.message(refused)).contains("masked value at /db/password");
		assertThat(fixture.controller.get("/db/password")).isEqualTo("s3cr3t-pw");
		assertThat(fixture.controller.revision()).isEqualTo(revision);
	}

	@Example
	void badSnapshotsAreRefusedNamingTheReasonAndWriteNothing() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		fixture.controller.set("/config", Map.of("theme", "dark"));
		long revision = fixture.controller.revision();
		Map<String, String> reasons = new LinkedHashMap<>();
		reasons.put("{\"path\": \"/config\", \"value\": unquoted-secret}", "not a JSON document");
		reasons.put("[1, 2]", "must be a JSON object");
		reasons.put("{\"path\": \"/other\", \"value\": 1}", "taken at /other, not at /config");
		reasons.put("{\"path\": \"/config//x\", \"value\": 1}", "path is invalid");
		reasons.put("{\"value\": 1}", "path is missing");
		reasons.put("{\"path\": 5, \"value\": 1}", "path is missing or not a string");
		reasons.put("{\"path\": \"/config\", \"revision\": -1, \"value\": 1}", "revision must be a whole number");
		reasons.put("{\"path\": \"/config\", \"revision\": 1.5, \"value\": 1}", "revision must be a whole number");
		reasons.put("{\"path\": \"/config\", \"revision\": 99999999999999999999, \"value\": 1}", "larger than");
		reasons.put("{\"path\": \"/config\", \"value\": 1, \"extra\": 2}", "fields other than path, revision and value");
		reasons.put("{\"path\": \"/config\", \"value\": {\"a\": 1, \"a\": 2}}", "more than once");
		reasons.put("{\"path\": \"/config\", \"value\": {\"a/b\": 1}}", "cannot be stored");
		for (Map.Entry<String, String> bad : reasons.entrySet()) {
			WebEndpointResponse<Object> refused = fixture.endpoint.write(WRITER, CONFIG, bad.getKey(), "");
			assertThat(refused.getStatus()).as(bad.getKey()).isEqualTo(400);
			assertThat(fixture.message(refused)).as(bad.getKey()).contains(bad.getValue()).doesNotContain("unquoted-secret");
		}
		WebEndpointResponse<Object> noBody = fixture.endpoint.write(WRITER, CONFIG, null, "");
		assertThat(noBody.getStatus()).isEqualTo(400);
		assertThat(fixture.message(noBody)).contains("'value'");
		assertThat(fixture.controller.revision()).isEqualTo(revision);
		assertThat(fixture.controller.get("/config")).isEqualTo(Map.of("theme", "dark"));
	}

	@Example
	void aRestoreNeedsTheWriteRoleAndThePathRulesAuthorities() {
		EndpointFixture fixture = new EndpointFixture("/config/internal");
		fixture.controller.set("/config", Map.of("theme", "dark", "internal", Map.of("n", 1)));
		String text = "{\"path\": \"/config\", \"revision\": 1, \"value\": {\"theme\": \"light\"}}";
		assertThat(fixture.endpoint.write(READER, CONFIG, text, "").getStatus()).isEqualTo(403);
		// the writer may not read /config/internal, so it may not replace it either
		WebEndpointResponse<Object> refused = fixture.endpoint.write(WRITER, CONFIG, text, "");
		assertThat(refused.getStatus()).isEqualTo(403);
		assertThat(fixture.message(refused)).isEqualTo("Not allowed to restore /config");
		assertThat(fixture.controller.get("/config/theme")).isEqualTo("dark");
		assertThat(fixture.endpoint.write(ADMIN, CONFIG, text, "").getStatus()).isEqualTo(200);
		assertThat(fixture.controller.get("/config")).isEqualTo(Map.of("theme", "light"));
	}

	@Example
	void theRootCannotBeRestoredThroughTheEndpoint() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		fixture.controller.set("/a", 1);
		WebEndpointResponse<Object> refused = fixture.endpoint.write(ADMIN, new String[0],
				"{\"path\": \"/\", \"value\": {}}", "");
		assertThat(refused.getStatus()).isEqualTo(400);
		assertThat(fixture.controller.get("/a")).isEqualTo(1);
	}

	@Property(tries = 60)
	void aDownloadedSnapshotRestoresTheSameValue(@ForAll("values") Object value, @ForAll("values") Object other) {
		EndpointFixture fixture = new EndpointFixture("/guarded", List.of("password"));
		fixture.controller.set("/config", value);
		Object before = fixture.controller.get("/config");
		String text = fixture.body(fixture.endpoint.read(WRITER, CONFIG, "", null));
		fixture.controller.set("/config", other);
		WebEndpointResponse<Object> restored = fixture.endpoint.write(WRITER, CONFIG, text, "");
		assertThat(restored.getStatus()).as(fixture.body(restored)).isEqualTo(200);
		assertThat(fixture.controller.get("/config")).isEqualTo(before);
	}

	@Property(tries = 60)
	void aDownloadedSnapshotEitherRestoresExactlyOrIsRefusedNeverWritingTheMask(@ForAll("values") Object value,
			@ForAll("sensitiveKeys") String key, @ForAll("values") Object secret, @ForAll boolean withSecret,
			@ForAll boolean hidden) {
		EndpointFixture fixture = new EndpointFixture("/config/" + key);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("data", value);
		if (withSecret) {
			config.put(key, secret);
		}
		fixture.controller.set("/config", config);
		Object before = fixture.controller.get("/config");
		// ADMIN may read the rule's path, WRITER may not (then the key is left out of the download)
		org.springframework.boot.actuate.endpoint.SecurityContext caller = hidden ? WRITER : ADMIN;
		String text = fixture.body(fixture.endpoint.read(caller, CONFIG, "", null));
		WebEndpointResponse<Object> restored = fixture.endpoint.write(ADMIN, CONFIG, text, "");
		if (restored.getStatus() == 200) {
			assertThat(fixture.controller.get("/config")).isEqualTo(hidden && withSecret ? Map.of("data", value)
					: before);
			assertThat(text).doesNotContain(StateTreeSanitizer.MASK);
		}
		else {
			assertThat(restored.getStatus()).as(fixture.body(restored)).isEqualTo(400);
			assertThat(fixture.message(restored)).contains("masked value");
			assertThat(fixture.controller.get("/config")).isEqualTo(before);
		}
		assertThat(StateValues.toJsonString(fixture.controller.get("/")))
			.doesNotContain("\"" + StateTreeSanitizer.MASK + "\"");
		// a secret under a sensitive key always comes masked, so its download is always refused
		if (withSecret && !hidden && secret != null) {
			assertThat(restored.getStatus()).isEqualTo(400);
		}
	}

	@Provide
	Arbitrary<String> sensitiveKeys() {
		return StateTreeSanitizerTest.decoratedSensitiveKeys().filter((key) -> {
			try {
				return io.statetree.core.StatePath.ROOT.child(key).depth() == 1 && !key.equals("data");
			}
			catch (io.statetree.core.InvalidPathException ex) {
				return false;
			}
		});
	}

	@Example
	void depthOneListsTheChildrenTheCallerMayReadWithoutReadingValues() {
		EndpointFixture fixture = new EndpointFixture("/users/carol");
		Map<String, Object> users = new LinkedHashMap<>();
		for (String name : List.of("alice", "bob", "carol", "dave")) {
			users.put(name, Map.of("name", name, "bio", "x".repeat(1_000)));
		}
		fixture.controller.set("/users", users);
		int reads = fixture.backend.reads.get();
		WebEndpointResponse<Object> names = fixture.endpoint.read(READER, new String[] { "users" }, null, "1");
		assertThat(names.getStatus()).isEqualTo(200);
		JsonNode body = EndpointFixture.JSON.readTree(fixture.body(names));
		assertThat(body.get("path").asString()).isEqualTo("/users");
		List<String> children = new ArrayList<>();
		body.get("children").forEach((child) -> children.add(child.asString()));
		assertThat(children).containsExactly("alice", "bob", "dave");
		assertThat(fixture.body(names)).doesNotContain("xxx");
		assertThat(fixture.backend.reads.get()).as("values read").isEqualTo(reads);
		assertThat(fixture.body(fixture.endpoint.read(ADMIN, new String[] { "users" }, null, "1"))).contains("carol");
		assertThat(fixture.endpoint.read(READER, new String[] { "users", "alice", "name" }, null, "1").getStatus())
			.isEqualTo(200);
		assertThat(fixture.endpoint.read(READER, new String[] { "absent" }, null, "1").getStatus()).isEqualTo(404);
		assertThat(fixture.endpoint.read(READER, new String[] { "users", "carol" }, null, "1").getStatus())
			.isEqualTo(403);
		for (String depth : List.of("0", "2", "all", "")) {
			WebEndpointResponse<Object> refused = fixture.endpoint.read(READER, new String[] { "users" }, null, depth);
			assertThat(refused.getStatus()).as(depth).isEqualTo(400);
			assertThat(fixture.message(refused)).contains("'depth' must be 1");
		}
		assertThat(fixture.endpoint.read(READER, new String[] { "users" }, "", "1").getStatus()).isEqualTo(400);
	}

	@Provide
	Arbitrary<Object> values() {
		Arbitrary<Object> leaves = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(8).map((s) -> (Object) s),
				Arbitraries.integers().map((i) -> (Object) i), Arbitraries.longs().map((l) -> (Object) l),
				Arbitraries.bigIntegers().between(BigInteger.TEN.pow(19), BigInteger.TEN.pow(30)).map((b) -> (Object) b),
				Arbitraries.bigDecimals()
					.between(new BigDecimal("-1e6"), new BigDecimal("1e6"))
					.ofScale(20)
					.map((d) -> (Object) d),
				Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map((b) -> (Object) b));
		Arbitrary<String> keys = Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(4);
		return Arbitraries.recursive(() -> leaves,
				(inner) -> Arbitraries.oneOf(Arbitraries.maps(keys, inner).ofMaxSize(4).map((m) -> (Object) m),
						inner.list().ofMaxSize(3).map((l) -> (Object) l)),
				0, 3);
	}

	private static JsonNode snapshot(EndpointFixture fixture, org.springframework.boot.actuate.endpoint.SecurityContext caller,
			String... path) {
		WebEndpointResponse<Object> response = fixture.endpoint.read(caller, path, "", null);
		assertThat(response.getStatus()).as(fixture.body(response)).isEqualTo(200);
		return EndpointFixture.JSON.readTree(fixture.body(response));
	}

}
