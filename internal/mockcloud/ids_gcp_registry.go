package mockcloud

import "fmt"

// registryShapes are the ID shapes of the types the GKE backend's
// NewRegistry and NewWorkloadPolicy register, as terraform-provider-google
// v5.42 writes their IDs.
var registryShapes = map[string]shapeKind{
	"artifactRegistryRepository": fixed(artifactRegistryRepository),
	"binaryAuthorizationPolicy":  fixed(binaryAuthorizationPolicy),
	"projectService":             fixed(projectService),
}

// artifactRegistryRepository shapes
// projects/<p>/locations/<location>/repositories/<repositoryId>; its name
// output is the repository ID, as the provider reports it.
func artifactRegistryRepository(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "repositoryId")
	if err != nil {
		return "", err
	}
	c.set("project", project)
	c.set("name", in[1])
	return fmt.Sprintf("projects/%s/locations/%s/repositories/%s", project, in[0], in[1]), nil
}

// binaryAuthorizationPolicy shapes projects/<p>: a project has one policy.
func binaryAuthorizationPolicy(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	c.set("project", project)
	return "projects/" + project, nil
}

// projectService shapes <project>/<service>, an API enabled on a project.
func projectService(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	service, err := c.need("service")
	if err != nil {
		return "", err
	}
	c.set("project", project)
	return project + "/" + service, nil
}
