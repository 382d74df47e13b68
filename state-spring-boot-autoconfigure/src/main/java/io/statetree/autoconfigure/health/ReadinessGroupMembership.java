package io.statetree.autoconfigure.health;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Makes the {@code statetree} contributor (and its children) a member of the {@code readiness}
 * health group, whether Spring Boot's availability probes made the group or the application
 * configured it; the group's other members and settings stay. Runs after Spring Boot's probes
 * post-processor (the auto-configuration is ordered after it). Without a readiness group nothing
 * changes.
 */
final class ReadinessGroupMembership implements HealthEndpointGroupsPostProcessor {

	static final String READINESS = "readiness";

	static final String CONTRIBUTOR = "statetree";

	private static final EndpointId HEALTH = EndpointId.of("health");

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		if (groups.get(READINESS) == null) {
			return groups;
		}
		return new Groups(groups);
	}

	static boolean isStateTree(String name) {
		return name.equals(CONTRIBUTOR) || name.startsWith(CONTRIBUTOR + "/");
	}

	/**
	 * The groups with the readiness group widened. Like Spring Boot's own groups it maps the
	 * health endpoint's additional paths (the web endpoint discoverer casts the groups to
	 * {@link AdditionalPathsMapper}).
	 */
	private record Groups(HealthEndpointGroups delegate) implements HealthEndpointGroups, AdditionalPathsMapper {

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.delegate.getPrimary();
		}

		@Override
		public Set<String> getNames() {
			return this.delegate.getNames();
		}

		@Override
		public @Nullable HealthEndpointGroup get(String name) {
			HealthEndpointGroup group = this.delegate.get(name);
			return (group != null && READINESS.equals(name)) ? new WithStateTree(group) : group;
		}

		@Override
		public @Nullable List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
			if (this.delegate instanceof AdditionalPathsMapper mapper) {
				return mapper.getAdditionalPaths(endpointId, webServerNamespace);
			}
			if (!HEALTH.equals(endpointId)) {
				return null;
			}
			return getAllWithAdditionalPath(webServerNamespace).stream()
				.map((group) -> group.getAdditionalPath().getValue())
				.toList();
		}

	}

	private record WithStateTree(HealthEndpointGroup delegate) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.delegate.isMember(name) || isStateTree(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.delegate.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.delegate.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.delegate.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.delegate.getHttpCodeStatusMapper();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return this.delegate.getAdditionalPath();
		}

	}

}
