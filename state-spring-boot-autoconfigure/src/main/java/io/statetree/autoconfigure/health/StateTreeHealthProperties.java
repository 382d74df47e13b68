package io.statetree.autoconfigure.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code statetree} health contributor
 * ({@code statetree.health.*}). Public with public accessors, as the configuration processor needs
 * them to describe the properties in the metadata.
 */
@ConfigurationProperties("statetree.health")
public class StateTreeHealthProperties {

	/**
	 * How long the health contributor waits for each backend's check before reporting that backend
	 * DOWN (an unreachable Redis otherwise holds the health request for the client's command
	 * timeout). Must be positive.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Whether the statetree health contributor is a member of the readiness group
	 * (/actuator/health/readiness), so an instance whose backend is unreachable is taken out of
	 * load balancing.
	 */
	private boolean readiness = true;

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public boolean isReadiness() {
		return this.readiness;
	}

	public void setReadiness(boolean readiness) {
		this.readiness = readiness;
	}

}
