package io.statetree.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoints over HTTP with {@code unrestricted} access and {@code show-values=always}: writes
 * and deletes with the write role and path rules, and the meters.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,statetree,statetreechanges,metrics",
				"management.endpoint.statetree.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values=always", "statetree.security.rules[0].pattern=/app/*/internal",
				"statetree.security.rules[0].read=ROLE_ADMIN", "statetree.security.rules[0].write=ROLE_ADMIN",
				"logging.level.io.statetree=DEBUG" })
class StateTreeEndpointUnrestrictedHttpTest extends HttpTestSupport {

	@Autowired
	MeterRegistry meters;

	@Test
	void showValuesAlwaysShowsValuesToAnyReaderButStillMasksSecrets() {
		JsonNode value = get("/actuator/statetree/db", "reader").json().get("value");
		assertThat(value.get("url").asString()).isEqualTo("jdbc:h2:mem:db");
		assertThat(value.get("password").asString()).isEqualTo("******");
	}

	@Test
	void aWriterWritesAndDeletes() {
		Response post = post("/actuator/statetree/app/gamma", "writer", value("{\"name\": \"Gamma\", \"size\": 3}"));
		assertThat(post.status()).as(post.body()).isEqualTo(200);
		assertThat(post.json().get("changed").asBoolean()).isTrue();
		assertThat(post.json().get("revision").asLong()).isEqualTo(this.controller.revision());
		assertThat(this.controller.get("/app/gamma/size")).isEqualTo(3);
		Response again = post("/actuator/statetree/app/gamma", "writer", value("{\"name\": \"Gamma\", \"size\": 3}"));
		assertThat(again.json().get("changed").asBoolean()).isFalse();
		Response delete = delete("/actuator/statetree/app/gamma", "writer");
		assertThat(delete.status()).isEqualTo(200);
		assertThat(delete.json().get("changed").asBoolean()).isTrue();
		assertThat(this.controller.exists("/app/gamma")).isFalse();
	}

	@Test
	void aWriteWithoutTheWriteRoleIs403AndChangesNothing() {
		assertThat(post("/actuator/statetree/app/beta/name", "reader", value("\"X\"")).status()).isEqualTo(403);
		assertThat(delete("/actuator/statetree/app/beta", "reader").status()).isEqualTo(403);
		assertThat(post("/actuator/statetree/app/beta/name", null, value("\"X\"")).status()).isEqualTo(401);
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
	}

	@Test
	void aPathRuleDeniesWritesAtAndAboveWhatItProtects() {
		assertThat(post("/actuator/statetree/app/alpha/internal/note", "writer", value("\"X\"")).status())
			.isEqualTo(403);
		// Writing /app/alpha would replace /app/alpha/internal too.
		assertThat(post("/actuator/statetree/app/alpha", "writer", value("{\"name\": \"X\"}")).status())
			.isEqualTo(403);
		assertThat(delete("/actuator/statetree/app", "writer").status()).isEqualTo(403);
		// A new subtree that would create a protected path.
		assertThat(post("/actuator/statetree/app/epsilon", "writer", value("{\"internal\": {\"note\": 1}}")).status())
			.isEqualTo(403);
		assertThat(this.controller.exists("/app/epsilon")).isFalse();
		assertThat(this.controller.get("/app/alpha/internal/note")).isEqualTo("hidden-note-123");
		assertThat(post("/actuator/statetree/app/alpha/internal/note", "admin", value("\"Y\"")).status())
			.isEqualTo(200);
		assertThat(this.controller.get("/app/alpha/internal/note")).isEqualTo("Y");
	}

	@Test
	void aWriteBelowALeafIsAConflictAndARootWriteIsRefused() {
		assertThat(post("/actuator/statetree/app/beta/name/deeper", "writer", value("1")).status()).isEqualTo(409);
		assertThat(delete("/actuator/statetree", "writer").status()).isIn(400, 405);
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
	}

	@Test
	void aMissingOrNonJsonValueIs400() {
		assertThat(post("/actuator/statetree/app/beta/name", "writer", "{}").status()).isEqualTo(400);
		Response notJson = post("/actuator/statetree/app/beta/name", "writer", value("unquoted text"));
		assertThat(notJson.status()).isEqualTo(400);
		assertThat(notJson.body()).doesNotContain("unquoted text");
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
	}

	@Test
	void aSecretWrittenOverHttpNeverComesBack() {
		assertThat(post("/actuator/statetree/db/password", "writer", value("\"new-secret-000\"")).status())
			.isEqualTo(200);
		assertThat(this.controller.get("/db/password")).isEqualTo("new-secret-000");
		assertThat(get("/actuator/statetree/db", "admin").json().get("value").get("password").asString())
			.isEqualTo("******");
		assertThat(get("/actuator/statetreechanges", "admin").body()).contains("/db/password");
	}

	@Test
	void badKeysInsideAWrittenObjectAre400NamingTheKeyAndWriteNothing() {
		long revision = this.controller.revision();
		java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("a/b", "..", ".", "", "*", "**", "{x}",
				"k".repeat(256), "a\u0001b"));
		// and random ones of every kind
		net.jqwik.api.Arbitrary<String> word = net.jqwik.api.Arbitraries.strings().alpha().ofMaxLength(5);
		net.jqwik.api.Arbitraries
			.oneOf(word.map((w) -> w + "/" + w), word.map((w) -> "{" + w + "x}"),
					net.jqwik.api.Combinators.combine(word, net.jqwik.api.Arbitraries.chars().range('\u0000', '\u001f'))
						.as((w, c) -> w + c),
					net.jqwik.api.Arbitraries.strings().alpha().ofMinLength(256).ofMaxLength(280))
			.sampleStream()
			.limit(20)
			.forEach(keys::add);
		for (String key : keys) {
			String body = JSON.writeValueAsString(java.util.Map.of("ok", 1, "nested", java.util.Map.of(key, 1)));
			Response post = post("/actuator/statetree/app/keys", "writer", value(body));
			assertThat(post.status()).as(post.body()).isEqualTo(400);
			String shown = key.codePoints()
				.collect(StringBuilder::new, (sb, cp) -> {
					if (Character.isISOControl(cp)) {
						sb.append(String.format("\\u%04x", cp));
					}
					else {
						sb.appendCodePoint(cp);
					}
				}, StringBuilder::append)
				.toString();
			assertThat(post.json().get("message").asString()).contains("object key '" + shown + "'")
				.contains("/app/keys/nested");
		}
		assertThat(this.controller.exists("/app/keys")).isFalse();
		assertThat(this.controller.revision()).isEqualTo(revision);
	}

	/**
	 * JSON can spell an unpaired surrogate ({@code "\\ud800"}), UTF-8 cannot: as a key it made a
	 * JSON file unreadable (every later read of the tree failed) and YAML files and Redis stored
	 * another character; a key given twice silently lost one of its values. All are 400 naming the
	 * path (and the key, escaped), never the text, and write nothing.
	 */
	@Test
	void textWithoutAUtf8FormAndKeysGivenTwiceAre400AndWriteNothing() {
		long revision = this.controller.revision();
		Response key = post("/actuator/statetree/app/text", "writer", value("{\"ok\":1,\"n\":{\"a\\ud800b\":1}}"));
		assertThat(key.status()).as(key.body()).isEqualTo(400);
		assertThat(key.json().get("message").asString()).contains("object key 'a\\ud800b'")
			.contains("/app/text/n")
			.contains("unpaired surrogate");
		Response text = post("/actuator/statetree/app/text", "writer", value("[\"fine\", \"x\\udc00secret\"]"));
		assertThat(text.status()).as(text.body()).isEqualTo(400);
		assertThat(text.json().get("message").asString()).contains("/app/text/1").contains("unpaired surrogate");
		assertThat(text.body()).doesNotContain("secret");
		Response twice = post("/actuator/statetree/app/text", "writer", value("{\"n\":{\"a\":1,\"a\":2}}"));
		assertThat(twice.status()).as(twice.body()).isEqualTo(400);
		assertThat(twice.json().get("message").asString()).contains("/app/text/n").contains("'a'");
		assertThat(this.controller.exists("/app/text")).isFalse();
		assertThat(this.controller.revision()).isEqualTo(revision);
		// a surrogate pair is ordinary text
		Response pair = post("/actuator/statetree/app/text", "writer", value("{\"\\ud83d\\ude00\":\"\\ud83d\\ude00\"}"));
		assertThat(pair.status()).as(pair.body()).isEqualTo(200);
		assertThat(this.controller.get("/app/text")).isEqualTo(java.util.Map.of("\uD83D\uDE00", "\uD83D\uDE00"));
		assertThat(delete("/actuator/statetree/app/text", "writer").status()).isEqualTo(200);
	}

	@Test
	void objectsNestedBeyondThePathLimitAre400AndWriteNothing() {
		long revision = this.controller.revision();
		assertThat(post("/actuator/statetree/app/deep", "writer", value(nestedJson(200))).status()).isEqualTo(400);
		Response deep = post("/actuator/statetree/app/deep", "writer", value(nestedJson(127)));
		assertThat(deep.status()).as(deep.body()).isEqualTo(400);
		assertThat(deep.json().get("message").asString()).contains("/app/deep").contains("128");
		assertThat(this.controller.exists("/app/deep")).isFalse();
		assertThat(this.controller.revision()).isEqualTo(revision);
		// /app/deep is 2 segments: 126 more levels reach the limit exactly
		assertThat(post("/actuator/statetree/app/deep", "writer", value(nestedJson(126))).status()).isEqualTo(200);
		assertThat(delete("/actuator/statetree/app/deep", "writer").status()).isEqualTo(200);
	}

	private static String nestedJson(int levels) {
		return "{\"k\":".repeat(levels) + "1" + "}".repeat(levels);
	}

	@Test
	void numbersWrittenOverHttpKeepTheirExactValue() {
		Response first = post("/actuator/statetree/app/balance", "writer", value("1.000000000000000001"));
		assertThat(first.status()).as(first.body()).isEqualTo(200);
		assertThat(this.controller.get("/app/balance")).isEqualTo(new java.math.BigDecimal("1.000000000000000001"));
		Response second = post("/actuator/statetree/app/balance", "writer", value("1.000000000000000002"));
		assertThat(second.json().get("changed").asBoolean()).isTrue();
		assertThat(this.controller.get("/app/balance")).isEqualTo(new java.math.BigDecimal("1.000000000000000002"));
		assertThat(post("/actuator/statetree/app/rate", "writer", value("0.1")).status()).isEqualTo(200);
		assertThat(this.controller.get("/app/rate")).isEqualTo(0.1);
		long revision = this.controller.revision();
		Response huge = post("/actuator/statetree/app/balance", "writer", value("1e999999999"));
		assertThat(huge.status()).as(huge.body()).isEqualTo(400);
		assertThat(huge.body()).doesNotContain("999999999");
		Response long1001 = post("/actuator/statetree/app/balance", "writer", value("9".repeat(1001)));
		assertThat(long1001.status()).isEqualTo(400);
		assertThat(post("/actuator/statetree/app/balance", "writer", value("NaN")).status()).isEqualTo(400);
		assertThat(this.controller.revision()).isEqualTo(revision);
		assertThat(this.controller.get("/app/balance")).isEqualTo(new java.math.BigDecimal("1.000000000000000002"));
		assertThat(get("/actuator/statetree/app", "admin").status()).isEqualTo(200);
		assertThat(delete("/actuator/statetree/app/balance", "writer").status()).isEqualTo(200);
		assertThat(delete("/actuator/statetree/app/rate", "writer").status()).isEqualTo(200);
	}

	/** The body of a write: the value as JSON text inside a string field. */
	private static String value(String json) {
		return JSON.writeValueAsString(java.util.Map.of("value", json));
	}

	@Test
	void everyMeterMovesWhenItShould() {
		double commits = count("statetree.commits");
		double reads = count("statetree.reads");
		double events = count("statetree.events", "listener", "app-audit");
		long listenerRuns = timerCount("statetree.listener.duration", "listener", "app-audit");
		long derivationRuns = timerCount("statetree.derivation.duration", "destination", "/stats/apps");
		double errors = count("statetree.listener.errors", "listener", "failing");

		// One leaf written: the listener hears one event, the derivation over /app runs once.
		assertThat(post("/actuator/statetree/app/beta/name", "writer", value("\"Beta X\"")).status()).isEqualTo(200);
		assertThat(count("statetree.commits")).isEqualTo(commits + 1);
		assertThat(count("statetree.events", "listener", "app-audit")).isEqualTo(events + 1);
		assertThat(timerCount("statetree.listener.duration", "listener", "app-audit")).isEqualTo(listenerRuns + 1);
		assertThat(timerCount("statetree.derivation.duration", "destination", "/stats/apps"))
			.isEqualTo(derivationRuns + 1);
		assertThat(this.controller.get("/stats/apps")).isEqualTo(2);
		assertThat(count("statetree.listener.errors", "listener", "failing")).isEqualTo(errors);

		get("/actuator/statetree/app", "reader");
		assertThat(count("statetree.reads")).isGreaterThan(reads);

		this.controller.set("/fail/now", 1);
		assertThat(count("statetree.listener.errors", "listener", "failing")).isEqualTo(errors + 1);

		JsonNode overHttp = get("/actuator/metrics/statetree.commits", "reader").json();
		assertThat(overHttp.get("measurements").get(0).get("value").asDouble()).isEqualTo(count("statetree.commits"));
		// No Redis backend, so no feed lag gauge.
		assertThat(this.meters.find("statetree.feed.lag").gauge()).isNull();
	}

	private double count(String name, String... tags) {
		var counter = this.meters.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private long timerCount(String name, String... tags) {
		var timer = this.meters.find(name).tags(tags).timer();
		return (timer != null) ? timer.count() : 0;
	}

}
