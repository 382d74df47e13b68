package io.statetree.autoconfigure;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The controller's default actor in an application with Spring Security (DESIGN §11): the name of
 * the principal authenticated on the writing thread ({@link SecurityContextHolder}), none for an
 * anonymous or unauthenticated caller. A name longer than an actor may be (256 characters) is cut
 * to that length. Never throws. Loaded only when Spring Security is on the classpath.
 * <p>
 * Thread-safe (stateless).
 */
final class SecurityPrincipalActor implements Supplier<@Nullable String> {

	static final int MAX_LENGTH = 256;

	private final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	@Override
	public @Nullable String get() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!this.trustResolver.isAuthenticated(authentication)) {
			return null;
		}
		String name = authentication.getName();
		if (name == null || name.isBlank()) {
			return null;
		}
		return (name.length() > MAX_LENGTH) ? name.substring(0, MAX_LENGTH) : name;
	}

}
