package io.statetree.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.WriteOptions;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.databind.JsonNode;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code statetreechanges} endpoint over the controller's history (DESIGN §11): the latest
 * page by default, {@code after} and {@code limit} to page through it, bad parameters refused, the
 * actor shown, and values masked as every read is.
 */
class StateTreeChangesPagingTest {

	@Example
	void theLatestPageHoldsTheLastHundredRevisionsNewestFirst() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		for (int i = 1; i <= 150; i++) {
			fixture.controller.set("/counter", i);
		}
		long revision = fixture.controller.revision();
		JsonNode page = fixture.changes(READER);
		assertThat(page.get("revision").asLong()).isEqualTo(revision);
		assertThat(page.get("after").asLong()).isEqualTo(revision - 100);
		assertThat(page.get("next").asLong()).isEqualTo(revision);
		assertThat(revisions(page)).hasSize(100).startsWith(revision, revision - 1).endsWith(revision - 99);
		JsonNode newest = page.get("commits").get(0);
		assertThat(newest.get("changes").get(0).get("oldValue").asInt()).isEqualTo(149);
		assertThat(newest.get("changes").get(0).get("newValue").asInt()).isEqualTo(150);
		JsonNode small = json(fixture, fixture.changesEndpoint.changes(READER, null, "3"));
		assertThat(revisions(small)).containsExactly(revision, revision - 1, revision - 2);
	}

	@Property(tries = 40)
	void pagingWithNextShowsEveryVisibleCommitOnceInOrder(
			@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 3) Integer> writes,
			@ForAll @IntRange(min = 1, max = 25) int limit) {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		List<Long> visible = new ArrayList<>();
		int i = 0;
		for (int target : writes) {
			// 0: a guarded path the reader may not see; 3: a write that changes nothing
			String path = switch (target) {
				case 0 -> "/guarded/x";
				case 1 -> "/a";
				case 2 -> "/b/c";
				default -> "/same";
			};
			boolean changed = fixture.controller.set(path, (target == 3) ? "same" : i++);
			if (changed && target != 0) {
				visible.add(fixture.controller.revision());
			}
		}
		List<Long> seen = new ArrayList<>();
		long after = 0;
		for (int pages = 0; pages < 200; pages++) {
			JsonNode page = json(fixture, fixture.changesEndpoint.changes(READER, Long.toString(after),
					Integer.toString(limit)));
			assertThat(page.get("after").asLong()).isEqualTo(after);
			List<Long> revisions = revisions(page);
			assertThat(revisions).as("newest first").isSortedAccordingTo((a, b) -> Long.compare(b, a));
			for (int r = revisions.size() - 1; r >= 0; r--) {
				seen.add(revisions.get(r));
			}
			long next = page.get("next").asLong();
			if (next == after) {
				break;
			}
			assertThat(next).isGreaterThan(after);
			after = next;
		}
		assertThat(seen).isEqualTo(visible);
		List<io.statetree.core.Commit> all = fixture.controller.history(0, 10_000);
		assertThat(after).isEqualTo(all.isEmpty() ? 0 : all.get(all.size() - 1).revision());
	}

	@Example
	void badParametersAreRefusedNamingThem() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		fixture.controller.set("/a", 1);
		String[][] cases = { { "-1", null, "'after'" }, { "abc", null, "'after'" }, { "1.5", null, "'after'" },
				{ null, "0", "'limit'" }, { null, "10001", "'limit'" }, { null, "x", "'limit'" },
				{ null, "99999999999", "'limit'" } };
		for (String[] bad : cases) {
			WebEndpointResponse<Object> refused = fixture.changesEndpoint.changes(READER, bad[0], bad[1]);
			assertThat(refused.getStatus()).as(String.join(",", String.valueOf(bad[0]), String.valueOf(bad[1])))
				.isEqualTo(400);
			assertThat(fixture.message(refused)).contains(bad[2]);
		}
		assertThat(fixture.changesEndpoint.changes(READER, "", " ").getStatus()).isEqualTo(200);
		assertThat(fixture.changesEndpoint.changes(READER, "0", "10000").getStatus()).isEqualTo(200);
		assertThat(fixture.changesEndpoint.changes(READER, "999", "1").getStatus()).isEqualTo(200);
		assertThat(fixture.changesEndpoint.changes(EndpointFixture.caller(), "0", "1").getStatus()).isEqualTo(403);
	}

	@Example
	void theOperatorEndpointRefusesBadParametersToo() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		StateTreeChangesEndpoint endpoint = new StateTreeChangesEndpoint(fixture.controller,
				new StateTreeAccess("STATETREE_READ", "STATETREE_WRITE",
						org.springframework.boot.actuate.endpoint.Show.ALWAYS, java.util.Set.of(),
						new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS), List.of()));
		fixture.controller.set("/a", 1);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.changes(-1L, null))
			.withMessageContaining("'after'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.changes(null, 0))
			.withMessageContaining("'limit'");
		assertThat(endpoint.changes(0L, 10).commits()).hasSize(1);
	}

	@Example
	void commitsShowTheirActorAndMaskedValues() {
		EndpointFixture fixture = new EndpointFixture("/guarded");
		fixture.controller.set("/db", Map.of("url", "jdbc:x", "password", "old-pw-123"));
		fixture.controller.set("/db/password", "new-pw-456", WriteOptions.actor("alice"));
		fixture.controller.set("/guarded/x", "hidden-789", WriteOptions.actor("bob"));
		JsonNode page = fixture.changes(READER);
		String body = page.toString();
		assertThat(body).doesNotContain("old-pw-123", "new-pw-456", "hidden-789", "bob");
		JsonNode newest = page.get("commits").get(0);
		assertThat(newest.get("actor").asString()).isEqualTo("alice");
		assertThat(newest.get("changes").get(0).get("path").asString()).isEqualTo("/db/password");
		assertThat(newest.get("changes").get(0).get("oldValue").asString()).isEqualTo(StateTreeSanitizer.MASK);
		assertThat(newest.get("changes").get(0).get("newValue").asString()).isEqualTo(StateTreeSanitizer.MASK);
		assertThat(page.get("commits").get(1).get("changes").get(0).get("newValue").get("password").asString())
			.isEqualTo(StateTreeSanitizer.MASK);
		assertThat(page.get("next").asLong()).isEqualTo(fixture.controller.revision());
		assertThat(fixture.changes(ADMIN).toString()).contains("hidden-789", "bob").doesNotContain("new-pw-456");
	}

	private static JsonNode json(EndpointFixture fixture, WebEndpointResponse<Object> response) {
		assertThat(response.getStatus()).as(fixture.body(response)).isEqualTo(200);
		return EndpointFixture.JSON.readTree(fixture.body(response));
	}

	private static List<Long> revisions(JsonNode page) {
		List<Long> revisions = new ArrayList<>();
		page.get("commits").forEach((commit) -> revisions.add(commit.get("revision").asLong()));
		return revisions;
	}

}
