package mockcloud

import "fmt"

// observabilityShapes are the ID shapes of the Cloud Logging and Cloud
// Monitoring types the GKE backend's NewObservability registers.
var observabilityShapes = map[string]shapeKind{
	// gcpNumbered(collection): projects/<p>/<collection>/<19 digits>, the
	// server-assigned ID of an alert policy or notification channel.
	"gcpNumbered": {1, func(a []string) shape { return gcpNumbered(a[0]) }},
	// gcpProjectChild(collection): projects/<p>/<collection>/<name>, such
	// as a log exclusion.
	"gcpProjectChild": {1, func(a []string) shape { return gcpProjectChild(a[0]) }},
	"logBucket":       fixed(logBucket),
	"logSink":         fixed(logSink),
}

// gcpNumbered shapes projects/<p>/<collection>/<id>, where Cloud
// Monitoring assigns id, 19 digits (here derived from the display name),
// which is also the resource's name.
func gcpNumbered(collection string) shape {
	return func(c *call) (string, error) {
		project, err := gcpProject(c)
		if err != nil {
			return "", err
		}
		display, err := c.need("displayName")
		if err != nil {
			return "", err
		}
		id := fmt.Sprintf("projects/%s/%s/%s", project, collection, digitsFrom(collection, project+"/"+display, 19))
		c.set("name", id)
		c.set("project", project)
		return id, nil
	}
}

// gcpProjectChild shapes projects/<p>/<collection>/<name>.
func gcpProjectChild(collection string) shape {
	return func(c *call) (string, error) {
		project, err := gcpProject(c)
		if err != nil {
			return "", err
		}
		name, err := c.need("name")
		if err != nil {
			return "", err
		}
		c.set("project", project)
		return fmt.Sprintf("projects/%s/%s/%s", project, collection, name), nil
	}
}

// logBucket shapes projects/<p>/locations/<location>/buckets/<bucketId>,
// the bucket's name, in the ACTIVE state: what a sink names as its
// destination after "logging.googleapis.com/".
func logBucket(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "bucketId")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("projects/%s/locations/%s/buckets/%s", project, in[0], in[1])
	c.set("name", id)
	c.set("project", project)
	c.set("lifecycleState", "ACTIVE")
	return id, nil
}

// logSink shapes projects/<p>/sinks/<name>, with the writer identity a
// sink with a unique writer identity gets: the project's Logging service
// agent.
func logSink(c *call) (string, error) {
	id, err := gcpProjectChild("sinks")(c)
	if err != nil {
		return "", err
	}
	project, _ := gcpProject(c)
	c.set("writerIdentity", fmt.Sprintf("serviceAccount:service-%s@gcp-sa-logging.iam.gserviceaccount.com", projectNumber(project)))
	return id, nil
}
