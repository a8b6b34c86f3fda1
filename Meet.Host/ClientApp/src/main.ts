import './styles.css';
import { showLanding } from './landing';
import { showMeeting } from './meeting';

// Meet.Host serves this page for "/" and "/j/{meetingId}".
const match = /^\/j\/([^/]+)\/?$/.exec(location.pathname);
if (match) showMeeting(decodeURIComponent(match[1]));
else showLanding();
