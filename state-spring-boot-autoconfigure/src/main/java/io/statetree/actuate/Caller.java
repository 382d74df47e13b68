package io.statetree.actuate;

import java.security.Principal;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.util.ClassUtils;

/**
 * Who calls an endpoint: the principal, its roles (through the servlet request, as Spring
 * Boot's own endpoints check them) and, with Spring Security, its granted authorities; or the
 * operator of a technology other than the web (JMX), trusted with every role, as Spring Boot
 * trusts it, but granted no authority (DESIGN §9).
 */
final class Caller {

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", Caller.class.getClassLoader());

	private final SecurityContext context;

	private final Set<String> authorities;

	private final boolean operator;

	/** Whether the web caller is trusted with every role because nothing could authenticate it. */
	private final boolean unguarded;

	private Caller(SecurityContext context, Set<String> authorities, boolean operator, boolean unguarded) {
		this.context = context;
		this.authorities = authorities;
		this.operator = operator;
		this.unguarded = unguarded;
	}

	/**
	 * A web caller of an application without Spring Security (DESIGN §9): Spring Boot's exposure
	 * and access rules decided that it may call the endpoint, so it holds every role; it holds no
	 * authority (path rules with authorities keep it out), and is shown values only when
	 * {@code show-values} is {@code always}.
	 */
	static Caller unguarded(SecurityContext context) {
		return new Caller(context, Set.of(), false, true);
	}

	static Caller of(SecurityContext context) {
		Principal principal = context.getPrincipal();
		Set<String> authorities = (SPRING_SECURITY_PRESENT && principal != null) ? SpringSecurity.authorities(principal)
				: Set.of();
		return new Caller(context, authorities, false, false);
	}

	/**
	 * The caller of a technology other than the web, which has its own authentication (JMX): it
	 * holds every role and no authority.
	 */
	static Caller operator() {
		return new Caller(SecurityContext.NONE, Set.of(), true, false);
	}

	/**
	 * Tells whether this is the caller of a technology other than the web.
	 */
	boolean isOperator() {
		return this.operator;
	}

	SecurityContext context() {
		return this.context;
	}

	boolean isAuthenticated() {
		return this.operator || this.unguarded || this.context.getPrincipal() != null;
	}

	/**
	 * Tells whether the caller has a role: the request says so, or (with Spring Security) it was
	 * granted the role's authority.
	 */
	boolean hasRole(String role) {
		if (!isAuthenticated()) {
			return false;
		}
		return this.operator || this.unguarded || this.context.isUserInRole(role) || this.authorities.contains(role)
				|| this.authorities.contains("ROLE_" + role);
	}

	/**
	 * Tells whether the caller holds one of some authorities.
	 */
	boolean hasAnyAuthority(Collection<String> wanted) {
		if (!isAuthenticated() || this.operator) {
			return false;
		}
		for (String authority : wanted) {
			if (this.authorities.contains(authority) || this.context.isUserInRole(authority)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads authorities without loading Spring Security classes when it is absent.
	 */
	private static final class SpringSecurity {

		static Set<String> authorities(@Nullable Principal principal) {
			if (!(principal instanceof Authentication authentication)) {
				return Set.of();
			}
			Set<String> names = new HashSet<>();
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				String name = authority.getAuthority();
				if (name != null) {
					names.add(name);
				}
			}
			return Set.copyOf(names);
		}

	}

}
