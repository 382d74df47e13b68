package io.statetree.actuate;

import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's operations ({@link StateTreeConsole}) for callers with different roles: the same
 * masking and path rules as the endpoints, paging of a branch with 10,000 children, bad input
 * refused with a 400 naming it and nothing written, restore of a commit's old values.
 */
class StateTreeConsoleTest {

	private final StateController controller = StateController.create();

	private final StateTreeConsole console = new StateTreeConsole(this.controller,
			new StateTreeAccess("STATETREE_READ", "STATETREE_WRITE", Show.WHEN_AUTHORIZED, List.of(),
					new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS),
					List.of(new PathRule(PathPattern.compile("/vault"), Set.of("ROLE_ADMIN"), Set.of("ROLE_ADMIN")))),
			JsonMapper.builder().build());

	private static final SecurityContext READER = caller("reader", "STATETREE_READ");

	private static final SecurityContext WRITER = caller("writer", "STATETREE_READ", "STATETREE_WRITE");

	private static final SecurityContext ADMIN = caller("admin", "STATETREE_READ", "STATETREE_WRITE", "ADMIN");

	private static final SecurityContext NOBODY = caller("nobody");

	@AfterEach
	void close() {
		this.controller.close();
	}

	@Test
	void aReaderIsShownSecretsMaskedAndNothingAPathRuleGuards() {
		this.controller.set("/db", Map.of("url", "jdbc:h2:mem:x", "password", "pw-in-the-tree-42"));
		this.controller.set("/vault/code", "vault-code-77");
		WebEndpointResponse<Object> db = this.console.value(READER, "/db");
		assertThat(db.getStatus()).isEqualTo(200);
		assertThat(String.valueOf(db.getBody())).contains("jdbc:h2:mem:x").doesNotContain("pw-in-the-tree-42")
			.contains(StateTreeSanitizer.MASK);
		assertThat(this.console.value(READER, "/vault").getStatus()).isEqualTo(403);
		assertThat(this.console.value(ADMIN, "/vault/code").getStatus()).isEqualTo(200);
		assertThat(names(this.console.children(READER, "/", 0, 100))).containsExactly("db");
		assertThat(names(this.console.children(ADMIN, "/", 0, 100))).containsExactly("db", "vault");
		assertThat(String.valueOf(this.console.overview(READER).getBody())).doesNotContain("vault");
	}

	@Test
	void withoutTheReadRoleNothingIsShown() {
		this.controller.set("/a", 1);
		assertThat(this.console.session(NOBODY).getStatus()).isEqualTo(403);
		assertThat(this.console.children(NOBODY, "/", 0, 10).getStatus()).isEqualTo(403);
		assertThat(this.console.value(NOBODY, "/a").getStatus()).isEqualTo(403);
		assertThat(this.console.events(NOBODY)).isNull();
		assertThat(this.console.session(anonymous()).getStatus()).isEqualTo(401);
		assertThat(this.console.overview(anonymous()).getStatus()).isEqualTo(401);
	}

	@Test
	void theSessionTellsWhetherTheCallerMayWrite() {
		assertThat(body(this.console.session(READER))).containsEntry("user", "reader").containsEntry("write", false);
		assertThat(body(this.console.session(WRITER))).containsEntry("write", true);
	}

	@Test
	void tenThousandChildrenArePagedInOrderWithoutLosingOrRepeatingOne() {
		Map<String, Object> many = new java.util.LinkedHashMap<>();
		for (int i = 0; i < 10_000; i++) {
			many.put("c" + i, Map.of("v", i));
		}
		this.controller.set("/big", many);
		List<String> seen = new ArrayList<>();
		int offset = 0;
		while (true) {
			WebEndpointResponse<Object> page = this.console.children(READER, "/big", offset, 1_000);
			assertThat(page.getStatus()).isEqualTo(200);
			assertThat(body(page)).containsEntry("total", 10_000);
			List<String> names = names(page);
			if (names.isEmpty()) {
				break;
			}
			seen.addAll(names);
			offset += names.size();
		}
		assertThat(seen).hasSize(10_000).doesNotHaveDuplicates().startsWith("c0", "c1").endsWith("c9999");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> first = (List<Map<String, Object>>) body(
				this.console.children(READER, "/big", 0, 1)).get("children");
		assertThat(first.get(0)).containsEntry("path", "/big/c0").containsEntry("branch", true);
	}

	@Test
	void badPagingAndBadPathsAre400NamingTheInput() {
		assertThat(message(this.console.children(READER, "/", -1, 10))).contains("offset");
		assertThat(message(this.console.children(READER, "/", 0, 0))).contains("limit");
		assertThat(message(this.console.children(READER, "/", 0, StateTreeConsole.MAX_PAGE + 1))).contains("limit");
		WebEndpointResponse<Object> bad = this.console.value(READER, "/a//b");
		assertThat(bad.getStatus()).isEqualTo(400);
		assertThat(message(bad)).contains("/a//b");
		assertThat(this.console.children(READER, "/absent", 0, 10).getStatus()).isEqualTo(404);
	}

	@Test
	void aValueThatIsNotJsonIs400NamingThePathAndWritesNothing() {
		long before = this.controller.revision();
		WebEndpointResponse<Object> answer = this.console.write(WRITER, "/cfg/name", "{not json secret-text-1");
		assertThat(answer.getStatus()).isEqualTo(400);
		assertThat(message(answer)).contains("/cfg/name").contains("JSON").doesNotContain("secret-text-1");
		assertThat(this.console.write(WRITER, "/cfg/name", "").getStatus()).isEqualTo(400);
		assertThat(this.console.write(WRITER, "/cfg//name", "1").getStatus()).isEqualTo(400);
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.exists("/cfg")).isFalse();
	}

	@Test
	void theMaskOfAHiddenValueIsNeverWrittenBack() {
		this.controller.set("/db", Map.of("url", "u", "password", "the-real-pw-5"));
		String shown = "{\"url\": \"u2\", \"password\": \"" + StateTreeSanitizer.MASK + "\"}";
		WebEndpointResponse<Object> answer = this.console.write(WRITER, "/db", shown);
		assertThat(message(answer)).contains("/db").contains("mask");
		assertThat(this.controller.get("/db/password")).isEqualTo("the-real-pw-5");
		assertThat(this.controller.get("/db/url")).isEqualTo("u");
	}

	@Test
	void onlyTheWriteRoleWritesDeletesAndRestoresAndPathRulesHold() {
		assertThat(this.console.write(READER, "/cfg/name", "\"x\"").getStatus()).isEqualTo(403);
		assertThat(this.controller.exists("/cfg")).isFalse();
		assertThat(this.console.write(WRITER, "/cfg/name", "\"x\"").getStatus()).isEqualTo(200);
		assertThat(this.controller.get("/cfg/name")).isEqualTo("x");
		assertThat(this.console.write(WRITER, "/vault/code", "\"y\"").getStatus()).isEqualTo(403);
		assertThat(this.console.delete(READER, "/cfg").getStatus()).isEqualTo(403);
		assertThat(this.console.restore(READER, this.controller.revision()).getStatus()).isEqualTo(403);
		assertThat(this.console.delete(WRITER, "/cfg").getStatus()).isEqualTo(200);
		assertThat(this.controller.exists("/cfg")).isFalse();
		assertThat(this.controller.exists("/vault")).isFalse();
	}

	@Test
	void restoreWritesACommitsOldValuesBackInOneCommit() {
		this.controller.set("/shop", Map.of("a", 1, "b", 2));
		this.controller.batch(() -> {
			this.controller.set("/shop/a", 10);
			this.controller.set("/shop/c", 30);
		});
		long bad = this.controller.revision();
		WebEndpointResponse<Object> restored = this.console.restore(WRITER, bad);
		assertThat(restored.getStatus()).as(String.valueOf(restored.getBody())).isEqualTo(200);
		assertThat(this.controller.get("/shop")).isEqualTo(Map.of("a", 1, "b", 2));
		assertThat(this.controller.revision()).isEqualTo(bad + 1);
		assertThat(this.console.restore(WRITER, bad + 100).getStatus()).isEqualTo(404);
		assertThat(this.console.restore(WRITER, 0).getStatus()).isEqualTo(400);
	}

	@Test
	void restoreIsRefusedWholeWhenAPathRuleGuardsOneOfItsPaths() {
		this.controller.batch(() -> {
			this.controller.set("/open", 1);
			this.controller.set("/vault/code", "c1");
		});
		long revision = this.controller.revision();
		assertThat(this.console.restore(WRITER, revision).getStatus()).isEqualTo(403);
		assertThat(this.controller.revision()).isEqualTo(revision);
		assertThat(this.controller.get("/open")).isEqualTo(1);
		assertThat(this.console.restore(ADMIN, revision).getStatus()).isEqualTo(200);
		assertThat(this.controller.exists("/open")).isFalse();
	}

	@Test
	void eventsAreMaskedAndLeftOutAsReadsAre() {
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (Subscription subscription = this.controller.subscribe("/**", events::add)) {
			this.controller.set("/db/password", "pw-event-99");
			this.controller.set("/vault/code", "vault-event-98");
			this.controller.set("/db/url", "u");
		}
		StateTreeConsole.EventView reader = this.console.events(READER);
		List<Map<String, Object>> shown = new ArrayList<>();
		for (StateEvent event : events) {
			Map<String, Object> one = reader.show(event);
			if (one != null) {
				shown.add(one);
			}
		}
		assertThat(shown).isNotEmpty();
		assertThat(shown.toString()).doesNotContain("pw-event-99").doesNotContain("vault-event-98").doesNotContain("/vault");
		assertThat(shown).anySatisfy((event) -> assertThat(event).containsEntry("path", "/db/url")
			.containsEntry("newValue", "u"));
		assertThat(shown).anySatisfy((event) -> assertThat(event).containsEntry("path", "/db/password")
			.containsEntry("newValue", StateTreeSanitizer.MASK));
	}

	@Test
	void aValueLongerThan8KiBIsShownAsAMarkerInTheValuePaneCommitsAndEvents() {
		String big = "big-content-".repeat(1000);
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (Subscription subscription = this.controller.subscribe("/**", events::add)) {
			this.controller.set("/docs/big", big);
			this.controller.set("/docs/small", "s".repeat(100));
		}
		Map<String, Object> marker = Map.of("truncated", true, "bytes", big.length() + 2);
		WebEndpointResponse<Object> value = this.console.value(READER, "/docs/big");
		assertThat(value.getStatus()).isEqualTo(200);
		assertThat(value.getBody()).isEqualTo(new StateTreeEndpoint.ValueDescriptor("/docs/big", marker));
		assertThat(this.console.value(READER, "/docs/small").getBody())
			.isEqualTo(new StateTreeEndpoint.ValueDescriptor("/docs/small", "s".repeat(100)));
		WebEndpointResponse<Object> changes = this.console.changes(READER, null, null);
		assertThat(changes.getBody().toString()).doesNotContain("big-content-").contains("s".repeat(100));
		StateTreeChangesEndpoint.ChangesDescriptor page = (StateTreeChangesEndpoint.ChangesDescriptor) changes.getBody();
		assertThat(page.commits()).flatMap(StateTreeChangesEndpoint.CommitDescriptor::changes)
			.anySatisfy((change) -> assertThat(change.newValue()).isEqualTo(marker));
		StateTreeConsole.EventView reader = this.console.events(READER);
		List<Map<String, Object>> shown = new ArrayList<>();
		for (StateEvent event : events) {
			shown.add(reader.show(event));
		}
		assertThat(shown.toString()).doesNotContain("big-content-");
		assertThat(shown).anySatisfy((event) -> assertThat(event).containsEntry("path", "/docs/big")
			.containsEntry("newValue", marker));
	}

	@Test
	void aWriteLongerThan1MiBIs413NamingTheLimitAndWritesNothing() {
		long before = this.controller.revision();
		String json = '"' + "w".repeat(1024 * 1024) + '"';
		WebEndpointResponse<Object> answer = this.console.write(WRITER, "/docs/huge", json);
		assertThat(answer.getStatus()).isEqualTo(413);
		assertThat(String.valueOf(body(answer).get("message"))).contains("1048576").contains("/docs/huge")
			.doesNotContain("www");
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.exists("/docs/huge")).isFalse();
		String fits = '"' + "w".repeat(1024 * 1024 - 2) + '"';
		assertThat(this.console.write(WRITER, "/docs/huge", fits).getStatus()).isEqualTo(200);
		assertThat(this.controller.exists("/docs/huge")).isTrue();
	}

	@Test
	void aWriteBelowAMaskedLeafIsAConflictThatDoesNotNameTheLeafsType() {
		this.controller.set("/db/password", "pw-type-77");
		this.controller.set("/db/url", "jdbc:x");
		long before = this.controller.revision();
		WebEndpointResponse<Object> masked = this.console.write(WRITER, "/db/password/x", "1");
		assertThat(masked.getStatus()).isEqualTo(409);
		assertThat(String.valueOf(body(masked).get("message"))).isEqualTo(
				"Cannot write /db/password/x: /db/password holds a leaf value, not a branch");
		WebEndpointResponse<Object> shown = this.console.write(WRITER, "/db/url/x", "1");
		assertThat(shown.getStatus()).isEqualTo(409);
		assertThat(String.valueOf(body(shown).get("message"))).contains("/db/url").contains("String");
		assertThat(this.controller.revision()).isEqualTo(before);
	}

	@Test
	void aPathWithoutLeadingSlashIs400() {
		long before = this.controller.revision();
		assertThat(message(this.console.write(WRITER, "docs/x", "1"))).contains("docs/x").contains("'/'");
		assertThat(message(this.console.value(READER, "docs"))).contains("'/'");
		assertThat(message(this.console.delete(WRITER, "docs"))).contains("'/'");
		assertThat(message(this.console.children(READER, "docs", 0, 10))).contains("'/'");
		assertThat(this.controller.revision()).isEqualTo(before);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(WebEndpointResponse<Object> answer) {
		return (Map<String, Object>) answer.getBody();
	}

	private static String message(WebEndpointResponse<Object> answer) {
		assertThat(answer.getStatus()).isEqualTo(400);
		return String.valueOf(body(answer).get("message"));
	}

	@SuppressWarnings("unchecked")
	private static List<String> names(WebEndpointResponse<Object> answer) {
		assertThat(answer.getStatus()).as(String.valueOf(answer.getBody())).isEqualTo(200);
		List<String> names = new ArrayList<>();
		for (Map<String, Object> child : (List<Map<String, Object>>) body(answer).get("children")) {
			names.add((String) child.get("name"));
		}
		return names;
	}

	private static SecurityContext caller(String name, String... roles) {
		List<String> authorities = new ArrayList<>();
		for (String role : roles) {
			authorities.add("ROLE_" + role);
		}
		UsernamePasswordAuthenticationToken principal = UsernamePasswordAuthenticationToken.authenticated(name, null,
				AuthorityUtils.createAuthorityList(authorities));
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return principal;
			}

			@Override
			public boolean isUserInRole(String role) {
				return authorities.contains("ROLE_" + role);
			}

		};
	}

	private static SecurityContext anonymous() {
		Map<String, Object> none = new HashMap<>();
		return new SecurityContext() {

			@Override
			public @Nullable Principal getPrincipal() {
				return (Principal) none.get("principal");
			}

			@Override
			public boolean isUserInRole(String role) {
				return false;
			}

		};
	}

}
