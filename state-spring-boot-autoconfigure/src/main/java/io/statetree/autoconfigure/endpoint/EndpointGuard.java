package io.statetree.autoconfigure.endpoint;

import java.util.List;
import java.util.Locale;

import io.statetree.actuate.StateTreeAccess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.util.ClassUtils;

/**
 * How the StateTree endpoints are guarded (DESIGN §9): by Spring Security when it is on the
 * classpath; without it, as Spring Boot's own endpoints are — exposure and {@code access} decide
 * who gets in, {@code show-values} defaults to {@code never}, and a WARN at start-up
 * ({@link UnguardedEndpointsWarning}) names the exposed endpoints whose values are unguarded.
 */
final class EndpointGuard {

	private static final Logger logger = LoggerFactory.getLogger(EndpointGuard.class);

	/** A class of Spring Security that authenticates web callers. */
	static final String SECURITY_CLASS = "org.springframework.security.core.Authentication";

	private EndpointGuard() {
	}

	static boolean securityPresent(@Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(SECURITY_CLASS, classLoader);
	}

	/** The {@code show-values} setting in force: the configured one, else the default for the guard. */
	static Show showValues(@Nullable Show configured, boolean securityPresent) {
		if (configured != null) {
			return configured;
		}
		return securityPresent ? Show.WHEN_AUTHORIZED : Show.NEVER;
	}

	/** The policy for the guard: unchanged with Spring Security, unguarded without it. */
	static StateTreeAccess apply(StateTreeAccess access, boolean securityPresent) {
		return securityPresent ? access : access.unguarded();
	}

	/**
	 * Says at start-up that the exposed StateTree endpoints are unguarded (no Spring Security).
	 * @param exposed the ids of the StateTree endpoints that are exposed, not empty
	 * @param showValues the {@code show-values} setting in force
	 */
	static void warnUnguarded(List<String> exposed, Show showValues) {
		logger.warn("Spring Security is not on the classpath: the StateTree actuator endpoints exposed ({}) answer "
				+ "every caller that Spring Boot's exposure and access settings let through, without "
				+ "authentication; values are {} (statetree.security.show-values={}). Add "
				+ "spring-boot-starter-security to require the STATETREE_READ / STATETREE_WRITE roles.",
				String.join(", ", exposed), (showValues == Show.ALWAYS) ? "SHOWN" : "masked",
				showValues.name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

}
