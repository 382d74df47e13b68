package io.statetree.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The StateTree sample: users and feature flags in a state tree.
 * <p>
 * The tree looks like this (see {@code initial-state.json}):
 * <pre>
 * /users/{id}        a {@link User}
 * /flags/{name}      a {@link Flag}
 * /sessions/{id}     a user's session (volatile; a memory mount in the 'files' profile)
 * /presence/{id}     an instance online, written ephemeral (see {@link Presence})
 * /stats/admins      derived: how many users have the role admin
 * /stats/features    derived: the enabled features of every user
 * </pre>
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	/**
	 * Starts the sample.
	 * @param args the command-line arguments, such as {@code --server.port=8081}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
