package io.statetree.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SecurityPrincipalActor}.
 */
class SecurityPrincipalActorTest {

	private final SecurityPrincipalActor actor = new SecurityPrincipalActor();

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void anAuthenticatedPrincipalIsTheActor() {
		authenticate(UsernamePasswordAuthenticationToken.authenticated("alice", "pw",
				AuthorityUtils.createAuthorityList("ROLE_USER")));
		assertThat(this.actor.get()).isEqualTo("alice");
	}

	@Test
	void nobodyAnAnonymousOrAnUnauthenticatedCallerIsNoActor() {
		assertThat(this.actor.get()).isNull();
		authenticate(new AnonymousAuthenticationToken("key", "anonymousUser",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(this.actor.get()).isNull();
		authenticate(UsernamePasswordAuthenticationToken.unauthenticated("mallory", "guess"));
		assertThat(this.actor.get()).isNull();
		TestingAuthenticationToken blank = new TestingAuthenticationToken(" ", "pw", "ROLE_USER");
		authenticate(blank);
		assertThat(this.actor.get()).isNull();
	}

	@Test
	void aNameLongerThanAnActorMayBeIsCut() {
		String name = "x".repeat(300);
		authenticate(new TestingAuthenticationToken(name, "pw", "ROLE_USER"));
		assertThat(this.actor.get()).hasSize(SecurityPrincipalActor.MAX_LENGTH).isEqualTo("x".repeat(256));
	}

	private static void authenticate(org.springframework.security.core.Authentication authentication) {
		SecurityContextHolder.getContext().setAuthentication(authentication);
	}

}
