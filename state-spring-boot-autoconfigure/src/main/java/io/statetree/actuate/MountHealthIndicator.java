package io.statetree.actuate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the backend serving one mount: up when its check passes within the timeout, else
 * down with the reason. Details: the mount point, the backend type and, when down, the error.
 */
final class MountHealthIndicator implements HealthIndicator {

	private final Backends.Mounted mounted;

	private final BackendHealthChecks checks;

	MountHealthIndicator(Backends.Mounted mounted, BackendHealthChecks checks) {
		this.mounted = mounted;
		this.checks = checks;
	}

	@Override
	public Health health() {
		Health.Builder builder = Health.unknown()
			.withDetail("mountPoint", this.mounted.mountPoint().toString())
			.withDetail("type", this.mounted.store().description().type());
		String error = this.checks.check(this.mounted.backend());
		if (error == null) {
			return builder.up().build();
		}
		return builder.down().withDetail("error", error).build();
	}

}
