package io.statetree.actuate;

import java.security.Principal;
import java.util.List;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The value and changes endpoints (through their web extensions) called as plain objects: an in-memory controller whose backend keeps a history,
 * behind one path rule that needs {@code ROLE_X}, and callers holding given authorities.
 */
final class EndpointFixture {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** May read the tree. */
	static final SecurityContext READER = caller("ROLE_STATETREE_READ");

	/** May read and write the tree. */
	static final SecurityContext WRITER = caller("ROLE_STATETREE_READ", "ROLE_STATETREE_WRITE");

	/** May read and write the tree, and holds {@code ROLE_X}, the path rule's authority. */
	static final SecurityContext ADMIN = caller("ROLE_STATETREE_READ", "ROLE_STATETREE_WRITE", "ROLE_X");

	final HistoryRecordingBackend backend = new HistoryRecordingBackend();

	final StateController controller = StateController.builder().backend(this.backend).build();

	final StateTreeEndpointWebExtension endpoint;

	final StateTreeChangesEndpointWebExtension changesEndpoint;

	/** The rule on {@code pattern} needs {@code ROLE_X} to read and write; default sensitive keys. */
	EndpointFixture(String pattern) {
		this(pattern, StateTreeSanitizer.DEFAULT_KEYS);
	}

	/** The rule on {@code pattern} needs {@code ROLE_X} to read and write. */
	EndpointFixture(String pattern, List<String> sensitiveKeys) {
		StateTreeAccess access = access(pattern, sensitiveKeys, Set.of("ROLE_X"));
		this.endpoint = new StateTreeEndpointWebExtension(new StateTreeEndpoint(this.controller, access, JSON));
		this.changesEndpoint = new StateTreeChangesEndpointWebExtension(new StateTreeChangesEndpoint(this.controller, access));
	}

	/**
	 * A value endpoint on the given controller (no history), with default sensitive keys and one
	 * rule on {@code pattern} that needs {@code ROLE_X} to read and the given authorities to write.
	 */
	static StateTreeEndpointWebExtension endpoint(StateController controller, String pattern,
			Set<String> writeAuthorities) {
		return new StateTreeEndpointWebExtension(new StateTreeEndpoint(controller,
				access(pattern, StateTreeSanitizer.DEFAULT_KEYS, writeAuthorities), JSON));
	}

	private static StateTreeAccess access(String pattern, List<String> sensitiveKeys, Set<String> writeAuthorities) {
		return new StateTreeAccess("STATETREE_READ", "STATETREE_WRITE", Show.ALWAYS, Set.of(),
				new StateTreeSanitizer(sensitiveKeys),
				List.of(new PathRule(PathPattern.compile(pattern), Set.of("ROLE_X"), writeAuthorities)));
	}

	/** An authenticated caller granted exactly these authorities (roles are {@code ROLE_}-prefixed). */
	static SecurityContext caller(String... authorities) {
		Authentication authentication = UsernamePasswordAuthenticationToken.authenticated("user", "pw",
				AuthorityUtils.createAuthorityList(authorities));
		Set<String> granted = Set.of(authorities);
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return authentication;
			}

			@Override
			public boolean isUserInRole(String role) {
				return granted.contains("ROLE_" + role);
			}

		};
	}

	/** The answer as the endpoint's JSON writer writes it (this throws when nested too deep). */
	String body(WebEndpointResponse<Object> response) {
		return JSON.writeValueAsString(response.getBody());
	}

	/** The {@code message} of an error answer. */
	String message(WebEndpointResponse<Object> response) {
		return JSON.readTree(body(response)).get("message").asString();
	}

	/** Reads a path, checking the answer is a 200. */
	JsonNode read(SecurityContext caller, String... path) {
		WebEndpointResponse<Object> response = this.endpoint.read(caller, path, null, null);
		assertThat(response.getStatus()).as(body(response)).isEqualTo(200);
		return JSON.readTree(body(response));
	}

	JsonNode changes(SecurityContext caller) {
		return JSON.readTree(body(changes(this.changesEndpoint, caller)));
	}

	/** The latest page of the changes endpoint. */
	static WebEndpointResponse<Object> changes(StateTreeChangesEndpointWebExtension endpoint, SecurityContext caller) {
		return endpoint.changes(caller, null, null);
	}

	/** Stores a value past the controller's write checks, as an older version may have. */
	void store(String path, Object value) {
		StoredValues.store(this.controller, path, value);
	}

}
